package dev.argondb.pageserver.index;

import dev.argondb.pgformat.WalSegments;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Every record end of a timeline's WAL, so any LSN can be checked for being a record boundary (where a
 * branch or a compute may start). One file per 16 MB segment holding 4-byte offsets within the segment,
 * ascending; a record end is filed under the segment it falls in. Blocking; synchronized.
 */
public final class BoundaryIndex {
  private final Path dir;
  private long pendingSegment = -1;
  private final List<Integer> pending = new ArrayList<>();
  private final java.util.Set<Long> unsynced = new java.util.HashSet<>();

  BoundaryIndex(Path dir) {
    this.dir = dir;
  }

  synchronized void add(long recordEnd) throws IOException {
    long segNo = WalSegments.segmentNumber(recordEnd);
    if (segNo != pendingSegment) {
      flush();
      pendingSegment = segNo;
    }
    pending.add(WalSegments.segmentOffset(recordEnd));
  }

  synchronized void flush() throws IOException {
    if (pending.isEmpty()) {
      return;
    }
    ByteBuffer bytes = ByteBuffer.allocate(pending.size() * Integer.BYTES);
    pending.forEach(bytes::putInt);
    bytes.flip();
    Files.createDirectories(dir);
    try (FileChannel ch = FileChannel.open(file(pendingSegment), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND)) {
      while (bytes.hasRemaining()) {
        ch.write(bytes);
      }
    }
    unsynced.add(pendingSegment);
    pending.clear();
  }

  /** fsyncs the segment files appended to since the last sync. */
  synchronized void sync() throws IOException {
    flush();
    for (long s : unsynced) {
      try (FileChannel ch = FileChannel.open(file(s), StandardOpenOption.WRITE)) {
        ch.force(false);
      }
    }
    unsynced.clear();
  }

  /** True if a record ends exactly at {@code lsn}. */
  public synchronized boolean contains(long lsn) throws IOException {
    flush();
    int[] offsets = offsets(WalSegments.segmentNumber(lsn));
    return java.util.Arrays.binarySearch(offsets, WalSegments.segmentOffset(lsn)) >= 0;
  }

  /**
   * The last record end strictly below {@code lsn} and at or above {@code floor}, or -1 if there is none:
   * a recovery target that makes a redo run stop right after the record ending at {@code lsn}.
   */
  public synchronized long lastBefore(long lsn, long floor) throws IOException {
    flush();
    for (long segNo = WalSegments.segmentNumber(lsn); segNo >= WalSegments.segmentNumber(floor); segNo--) {
      int[] offsets = offsets(segNo);
      for (int i = offsets.length - 1; i >= 0; i--) {
        long end = WalSegments.segmentStart(segNo) + offsets[i];
        if (Long.compareUnsigned(end, lsn) < 0) {
          return Long.compareUnsigned(end, floor) >= 0 ? end : -1;
        }
      }
    }
    return -1;
  }

  /** Drops record ends after {@code lsn}. */
  synchronized void truncateAfter(long lsn) throws IOException {
    pending.clear();
    pendingSegment = -1;
    unsynced.clear();
    if (!Files.isDirectory(dir)) {
      return;
    }
    long segNo = WalSegments.segmentNumber(lsn);
    try (var files = Files.list(dir)) {
      for (Path file : files.toList()) {
        if (Long.parseUnsignedLong(file.getFileName().toString(), 16) > segNo) {
          Files.delete(file);
        }
      }
    }
    int[] offsets = offsets(segNo);
    int keep = 0;
    while (keep < offsets.length && offsets[keep] <= WalSegments.segmentOffset(lsn)) {
      keep++;
    }
    if (Files.exists(file(segNo))) {
      try (FileChannel ch = FileChannel.open(file(segNo), StandardOpenOption.WRITE)) {
        ch.truncate((long) keep * Integer.BYTES);
        ch.force(false);
      }
    }
  }

  private int[] offsets(long segNo) throws IOException {
    Path file = file(segNo);
    if (!Files.exists(file)) {
      return new int[0];
    }
    ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
    int[] offsets = new int[bytes.remaining() / Integer.BYTES];
    for (int i = 0; i < offsets.length; i++) {
      offsets[i] = bytes.getInt();
    }
    return offsets;
  }

  private Path file(long segNo) {
    return dir.resolve(String.format("%016X", segNo));
  }
}
