package dev.argondb.pageserver.basebackup;

import dev.argondb.pageserver.wal.WalView;
import dev.argondb.pgformat.WalSegments;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** The kinds of basebackup tar entries. */
final class TarEntries {
  private TarEntries() {}

  static TarEntrySource directory(String name) {
    return new TarEntrySource(name, true, 0, (offset, target) -> {
      throw new IllegalStateException("a directory has no bytes");
    });
  }

  /** A file of an image (immutable, so its size stays as listed). */
  static TarEntrySource file(String name, Path file, long size) {
    return new TarEntrySource(name, false, size, (offset, target) -> readFully(file, offset, target));
  }

  static TarEntrySource bytes(String name, byte[] content) {
    return new TarEntrySource(name, false, content.length,
        (offset, target) -> target.put(content, (int) offset, target.remaining()));
  }

  /**
   * A pg_wal segment from the timeline's WAL view: its first {@code size} bytes (the whole segment, or for the
   * last one up to the end of the XLOG page holding the basebackup's LSN); the receiver extends it with zeros.
   */
  static TarEntrySource walSegment(long segNo, int size, WalView wal) {
    if (size < 0 || size > WalSegments.SEGMENT_SIZE) {
      throw new IllegalArgumentException("a WAL segment entry of " + size + " bytes");
    }
    long start = WalSegments.segmentStart(segNo);
    return new TarEntrySource("pg_wal/" + WalSegments.fileName(segNo), false, size,
        (offset, target) -> wal.read(start + offset, target));
  }

  private static void readFully(Path file, long offset, ByteBuffer target) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long pos = offset;
      while (target.hasRemaining()) {
        int got = ch.read(target, pos);
        if (got < 0) {
          throw new IOException(file + " shrank while being sent");
        }
        pos += got;
      }
    }
  }
}
