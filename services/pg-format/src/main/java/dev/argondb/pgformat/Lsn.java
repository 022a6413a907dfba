package dev.argondb.pgformat;

/**
 * WAL positions (Postgres {@code XLogRecPtr}): unsigned 64-bit byte offsets into the WAL stream,
 * kept as primitive {@code long}s and printed the way Postgres prints them ({@code 0/16B5A50}).
 * Compare LSNs with {@link #compare} (unsigned), never with {@code <}.
 */
public final class Lsn {
  /** {@code InvalidXLogRecPtr}. */
  public static final long INVALID = 0L;
  /** XLOG_BLCKSZ: WAL is written in pages of this size, each starting with a page header. */
  public static final int PAGE_SIZE = 8192;
  /** MAXALIGN on 64-bit platforms: every WAL record starts at a multiple of this. */
  public static final int MAX_ALIGN = 8;

  private Lsn() {}

  /** Parses {@code X/Y} (hex halves, any case), as printed by {@code pg_current_wal_lsn()}. */
  public static long parse(String text) {
    int slash = text.indexOf('/');
    if (slash <= 0 || slash == text.length() - 1) {
      throw new IllegalArgumentException("not an LSN (expected X/Y in hex): " + text);
    }
    try {
      long hi = Long.parseLong(text.substring(0, slash), 16);
      long lo = Long.parseLong(text.substring(slash + 1), 16);
      if (hi > 0xFFFF_FFFFL || lo > 0xFFFF_FFFFL || hi < 0 || lo < 0) {
        throw new IllegalArgumentException("LSN half out of range: " + text);
      }
      return (hi << 32) | lo;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not an LSN (expected X/Y in hex): " + text, e);
    }
  }

  /** Formats like Postgres's {@code %X/%X}: uppercase hex, no zero padding. */
  public static String format(long lsn) {
    return Long.toHexString(lsn >>> 32).toUpperCase() + "/" + Long.toHexString(lsn & 0xFFFF_FFFFL).toUpperCase();
  }

  /** Unsigned comparison, as LSNs are uint64. */
  public static int compare(long a, long b) {
    return Long.compareUnsigned(a, b);
  }

  public static boolean isValid(long lsn) {
    return lsn != INVALID;
  }

  /** Offset of {@code lsn} within its WAL page. */
  public static int pageOffset(long lsn) {
    return (int) (lsn & (PAGE_SIZE - 1));
  }

  /** Start of the WAL page holding {@code lsn}. */
  public static long pageStart(long lsn) {
    return lsn & ~((long) PAGE_SIZE - 1);
  }

  public static boolean isPageBoundary(long lsn) {
    return pageOffset(lsn) == 0;
  }

  /** Rounds up to the next multiple of {@link #MAX_ALIGN} (where the next record starts). */
  public static long maxAlign(long lsn) {
    return (lsn + MAX_ALIGN - 1) & ~((long) MAX_ALIGN - 1);
  }

  /** Segment number of {@code lsn} with 16 MB segments. */
  public static long segmentNumber(long lsn) {
    return WalSegments.segmentNumber(lsn);
  }

  /** Offset of {@code lsn} within its 16 MB segment. */
  public static int segmentOffset(long lsn) {
    return WalSegments.segmentOffset(lsn);
  }
}
