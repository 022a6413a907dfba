package dev.argondb.pgformat;

/**
 * WAL segment arithmetic and file names for the default 16 MB segment size. A segment file name is
 * 24 hex digits: timeline ID, then the segment number split into "xlog id" and segment-in-id halves
 * (each 8 digits), as {@code XLogFileName} in {@code xlog_internal.h}.
 */
public final class WalSegments {
  /** wal_segment_size of every ArgonDB compute (the initdb default). */
  public static final int SEGMENT_SIZE = 16 * 1024 * 1024;
  /** Every compute crash-recovers onto timeline 1 (see DESIGN.md), so its files carry this ID. */
  public static final int DEFAULT_TIMELINE = 1;
  /** Segments per 4 GB "xlog id": the high 8 digits of a file name count these. */
  private static final long SEGMENTS_PER_XLOG_ID = 0x1_0000_0000L / SEGMENT_SIZE;
  private static final int FILE_NAME_LENGTH = 24;

  /** A parsed segment file name. */
  public record SegmentName(int timelineId, long segmentNumber) {
    public long startLsn() {
      return segmentStart(segmentNumber);
    }
  }

  private WalSegments() {}

  public static long segmentNumber(long lsn) {
    return Long.divideUnsigned(lsn, SEGMENT_SIZE);
  }

  public static int segmentOffset(long lsn) {
    return (int) Long.remainderUnsigned(lsn, SEGMENT_SIZE);
  }

  public static long segmentStart(long segmentNumber) {
    return segmentNumber * SEGMENT_SIZE;
  }

  public static boolean isSegmentBoundary(long lsn) {
    return segmentOffset(lsn) == 0;
  }

  /** File name of segment {@code segmentNumber} on timeline 1. */
  public static String fileName(long segmentNumber) {
    return fileName(DEFAULT_TIMELINE, segmentNumber);
  }

  public static String fileName(int timelineId, long segmentNumber) {
    return String.format("%08X%08X%08X", timelineId,
        Long.divideUnsigned(segmentNumber, SEGMENTS_PER_XLOG_ID),
        Long.remainderUnsigned(segmentNumber, SEGMENTS_PER_XLOG_ID));
  }

  /** True for a plain segment file name (not {@code .partial}, {@code .history} or others). */
  public static boolean isSegmentFileName(String name) {
    if (name.length() != FILE_NAME_LENGTH) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      if (Character.digit(name.charAt(i), 16) < 0) {
        return false;
      }
    }
    return true;
  }

  public static SegmentName parseFileName(String name) {
    if (!isSegmentFileName(name)) {
      throw new IllegalArgumentException("not a WAL segment file name: " + name);
    }
    int timeline = (int) Long.parseLong(name.substring(0, 8), 16);
    long xlogId = Long.parseLong(name.substring(8, 16), 16);
    long segInId = Long.parseLong(name.substring(16, 24), 16);
    if (segInId >= SEGMENTS_PER_XLOG_ID) {
      throw new IllegalArgumentException("segment part out of range for 16 MB segments: " + name);
    }
    return new SegmentName(timeline, xlogId * SEGMENTS_PER_XLOG_ID + segInId);
  }
}
