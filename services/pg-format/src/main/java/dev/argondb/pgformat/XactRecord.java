package dev.argondb.pgformat;

import java.time.Instant;
import java.util.Optional;

/**
 * A transaction end record (RM_XACT commit or abort, also of prepared transactions). Its main data
 * starts with {@code xact_time}, a TimestampTz: what point-in-time restore searches by.
 *
 * @param lsn         where the record starts
 * @param endLsn      where it ends (a branch "at this commit" is created here)
 * @param xid         the record's xl_xid
 * @param xactTime    xact_time in Postgres microseconds (see {@link PgTimestamp})
 */
public record XactRecord(Kind kind, long lsn, long endLsn, long xid, long xactTime) {
  /** XLOG_XACT_OPMASK: the record type bits of an RM_XACT info byte (0x80 is XLOG_XACT_HAS_INFO). */
  public static final int XLOG_XACT_OPMASK = 0x70;
  public static final int XLOG_XACT_COMMIT = 0x00;
  public static final int XLOG_XACT_ABORT = 0x20;
  public static final int XLOG_XACT_COMMIT_PREPARED = 0x30;
  public static final int XLOG_XACT_ABORT_PREPARED = 0x40;

  public enum Kind { COMMIT, ABORT }

  public Instant time() {
    return PgTimestamp.toInstant(xactTime);
  }

  /** The record as a commit or abort, or empty if it is another kind of record. */
  public static Optional<XactRecord> from(DecodedRecord decoded) {
    WalRecord r = decoded.record();
    if (r.rmid() != RmgrIds.XACT) {
      return Optional.empty();
    }
    Kind kind = switch (r.info() & XLOG_XACT_OPMASK) {
      case XLOG_XACT_COMMIT, XLOG_XACT_COMMIT_PREPARED -> Kind.COMMIT;
      case XLOG_XACT_ABORT, XLOG_XACT_ABORT_PREPARED -> Kind.ABORT;
      default -> null;
    };
    if (kind == null) {
      return Optional.empty();
    }
    var data = decoded.mainData();
    if (data.remaining() < 8) {
      throw new WalFormatException(r.startLsn(), "transaction record with " + data.remaining() + " bytes of main data");
    }
    return Optional.of(new XactRecord(kind, r.startLsn(), r.endLsn(), r.header().xidUnsigned(), data.getLong(0)));
  }
}
