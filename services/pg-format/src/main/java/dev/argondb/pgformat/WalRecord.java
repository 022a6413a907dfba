package dev.argondb.pgformat;

/**
 * One complete, CRC-checked WAL record found by {@link WalRecordDecoder}.
 *
 * @param startLsn where the record header starts
 * @param endLsn   where the next record's bytes begin: the record's end MAXALIGNed (what
 *                 {@code pg_current_wal_lsn()} reports right after the record), or the next segment's
 *                 start after an XLOG_SWITCH record
 * @param header   the fixed record header
 * @param bytes    the whole record (header and data, page headers removed) when the decoder was told
 *                 to retain it, else {@code null}; not copied, do not modify
 */
public record WalRecord(long startLsn, long endLsn, XLogRecordHeader header, byte[] bytes) {
  public int rmid() {
    return header.rmid();
  }

  public int info() {
    return header.info();
  }

  public int xid() {
    return header.xid();
  }

  public int totalLength() {
    return header.totalLength();
  }

  public boolean hasBytes() {
    return bytes != null;
  }

  /** Parses block references and main data; needs {@link #bytes()}. */
  public DecodedRecord decode() {
    if (bytes == null) {
      throw new IllegalStateException("record at " + Lsn.format(startLsn) + " was decoded without its bytes");
    }
    return DecodedRecord.parse(this);
  }

  @Override
  public String toString() {
    return "WalRecord[" + Lsn.format(startLsn) + ".." + Lsn.format(endLsn) + " rmid " + rmid()
        + String.format(" info %02X", info()) + " xid " + header.xidUnsigned() + " len " + totalLength() + "]";
  }
}
