package dev.argondb.pgformat;

/**
 * The header at the start of every WAL page ({@code XLogPageHeaderData}, and on a segment's first
 * page {@code XLogLongPageHeaderData}), from {@code access/xlog_internal.h}.
 *
 * @param remainingLength xlp_rem_len: bytes of a record continued from the previous page
 * @param systemId        xlp_sysid, only in a long header (else 0)
 */
public record XLogPageHeader(int magic, int info, int timelineId, long pageAddress, long remainingLength,
                             long systemId, int segmentSize, int pageSize) {
  /** XLOG_PAGE_MAGIC of Postgres 17: the WAL format version. */
  public static final int MAGIC_PG17 = 0xD116;
  /**
   * The XLOG_PAGE_MAGIC values of Postgres 15 (0xD110) and 16 (0xD113): their page and record
   * headers are laid out as in 17 (the magic changed for resource-manager records), so the
   * safekeepers can keep WAL of those servers too, e.g. to compare with pg_receivewal of the same major.
   */
  public static final java.util.Set<Integer> KNOWN_MAGICS = java.util.Set.of(0xD110, 0xD113, MAGIC_PG17);
  /** SizeOfXLogShortPHD: 20 bytes of fields, MAXALIGNed. */
  public static final int SHORT_SIZE = 24;
  /** SizeOfXLogLongPHD: 36 bytes of fields, MAXALIGNed. */
  public static final int LONG_SIZE = 40;
  /** The first record on this page continues one from the previous page. */
  public static final int XLP_FIRST_IS_CONTRECORD = 0x0001;
  /** A long header (first page of a segment). */
  public static final int XLP_LONG_HEADER = 0x0002;
  /** Backup blocks starting on this page are optional (unused since 9.x, still a valid bit). */
  public static final int XLP_BKP_REMOVABLE = 0x0004;
  /** Recovery found a missing continuation and wrote a new record here instead. */
  public static final int XLP_FIRST_IS_OVERWRITE_CONTRECORD = 0x0008;
  public static final int XLP_ALL_FLAGS = 0x000F;

  /** Size of the header a page starting at {@code pageLsn} carries: long on a segment's first page. */
  public static int sizeAt(long pageLsn) {
    return WalSegments.isSegmentBoundary(pageLsn) ? LONG_SIZE : SHORT_SIZE;
  }

  /** Decodes the header in {@code b} at {@code off} ({@link #SHORT_SIZE} or {@link #LONG_SIZE} bytes). */
  public static XLogPageHeader parse(byte[] b, int off) {
    int info = LittleEndian.u16(b, off + 2);
    boolean isLong = (info & XLP_LONG_HEADER) != 0;
    return new XLogPageHeader(LittleEndian.u16(b, off), info, LittleEndian.i32(b, off + 4),
        LittleEndian.i64(b, off + 8), LittleEndian.u32(b, off + 16),
        isLong ? LittleEndian.i64(b, off + 24) : 0L,
        isLong ? LittleEndian.i32(b, off + 32) : 0,
        isLong ? LittleEndian.i32(b, off + 36) : 0);
  }

  public boolean isLong() {
    return (info & XLP_LONG_HEADER) != 0;
  }

  public boolean firstIsContinuation() {
    return (info & XLP_FIRST_IS_CONTRECORD) != 0;
  }

  public boolean firstIsOverwrite() {
    return (info & XLP_FIRST_IS_OVERWRITE_CONTRECORD) != 0;
  }

  public int size() {
    return isLong() ? LONG_SIZE : SHORT_SIZE;
  }

  /**
   * Checks what a reader can check without context (as {@code XLogReaderValidatePageHeader}):
   * magic, flags, that the page says it is at {@code expectedPageLsn}, a long header exactly on a
   * segment's first page, and 16 MB segments of 8 kB pages.
   */
  public void validate(long expectedPageLsn) {
    if (!KNOWN_MAGICS.contains(magic)) {
      throw new WalFormatException(expectedPageLsn,
          String.format("invalid WAL page magic %04X (expected %04X)", magic, MAGIC_PG17));
    }
    if ((info & ~XLP_ALL_FLAGS) != 0) {
      throw new WalFormatException(expectedPageLsn, String.format("invalid WAL page info bits %04X", info));
    }
    if (pageAddress != expectedPageLsn) {
      throw new WalFormatException(expectedPageLsn, "WAL page claims to be at " + Lsn.format(pageAddress));
    }
    boolean segmentStart = WalSegments.isSegmentBoundary(expectedPageLsn);
    if (isLong() != segmentStart) {
      throw new WalFormatException(expectedPageLsn, segmentStart
          ? "first page of a WAL segment has no long header" : "long WAL page header inside a segment");
    }
    if (isLong() && (segmentSize != WalSegments.SEGMENT_SIZE || pageSize != Lsn.PAGE_SIZE)) {
      throw new WalFormatException(expectedPageLsn, "WAL segment size " + segmentSize + " / page size "
          + pageSize + " (expected " + WalSegments.SEGMENT_SIZE + " / " + Lsn.PAGE_SIZE + ")");
    }
  }
}
