package dev.argondb.compute.agent;

import dev.argondb.pgformat.WalSegments;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;

/**
 * Writes WAL from the safekeepers into a data directory's {@code pg_wal}, so that crash recovery
 * replays exactly up to a chosen LSN: the last segment is zero-padded after it ("invalid record
 * length ... got 0" ends recovery there) and later segments are removed. Blocking.
 */
final class PgWalFiles {
  private final Path pgWal;
  private final Set<Long> touched = new HashSet<>();

  PgWalFiles(Path dataDir) {
    this.pgWal = dataDir.resolve("pg_wal");
  }

  /** Writes {@code data} at {@code lsn}, across segment boundaries, creating whole zero-filled segments. */
  void write(long lsn, ByteBuffer data) throws IOException {
    while (data.hasRemaining()) {
      long segment = WalSegments.segmentNumber(lsn);
      int offset = WalSegments.segmentOffset(lsn);
      int length = Math.min(data.remaining(), WalSegments.SEGMENT_SIZE - offset);
      ByteBuffer slice = data.slice(data.position(), length);
      try (FileChannel channel = openSegment(segment)) {
        int written = 0;
        while (written < length) {
          written += channel.write(slice, offset + written);
        }
      }
      data.position(data.position() + length);
      lsn += length;
    }
  }

  /** Zeroes the WAL from {@code endLsn} to the end of its segment and deletes every later segment. */
  void endAt(long endLsn) throws IOException {
    long lastSegment = WalSegments.segmentNumber(endLsn);
    int offset = WalSegments.segmentOffset(endLsn);
    try (FileChannel channel = openSegment(lastSegment)) {
      ByteBuffer zeros = ByteBuffer.allocate(1 << 16);
      long position = offset;
      while (position < WalSegments.SEGMENT_SIZE) {
        zeros.clear().limit((int) Math.min(zeros.capacity(), WalSegments.SEGMENT_SIZE - position));
        position += channel.write(zeros, position);
      }
    }
    try (var files = Files.list(pgWal)) {
      for (Path file : files.toList()) {
        String name = file.getFileName().toString();
        if (WalSegments.isSegmentFileName(name) && WalSegments.parseFileName(name).segmentNumber() > lastSegment) {
          Files.delete(file);
        }
      }
    }
  }

  /** fsyncs every segment written, so a crash after the compute starts cannot lose the restored WAL. */
  void sync() throws IOException {
    for (long segment : touched) {
      try (FileChannel channel = FileChannel.open(segmentPath(segment), StandardOpenOption.WRITE)) {
        channel.force(false);
      }
    }
  }

  private FileChannel openSegment(long segment) throws IOException {
    Path path = segmentPath(segment);
    boolean created = !Files.exists(path);
    FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    if (created || channel.size() < WalSegments.SEGMENT_SIZE) {
      // Postgres reads whole segments: extend with zeros (a sparse tail reads as zeros).
      channel.write(ByteBuffer.allocate(1), WalSegments.SEGMENT_SIZE - 1);
    }
    touched.add(segment);
    return channel;
  }

  private Path segmentPath(long segment) {
    return pgWal.resolve(WalSegments.fileName(1, segment));
  }
}
