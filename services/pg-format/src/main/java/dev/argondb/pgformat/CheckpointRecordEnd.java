package dev.argondb.pgformat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Where the WAL of a stopped data directory ends: just past its last checkpoint record (for a clean
 * shutdown, the shutdown checkpoint is the last record). Reads the record from the directory's own
 * {@code pg_wal}. Blocking. Shared by the compute agent (kept directories) and the pageserver (images).
 */
public final class CheckpointRecordEnd {
  /** A checkpoint record is ~120 bytes; reading this much covers it even across a page header. */
  private static final int READ_BYTES = 2 * Lsn.PAGE_SIZE;

  private CheckpointRecordEnd() {}

  public static ControlFile controlFile(Path dataDir) throws IOException {
    return ControlFile.read(dataDir.resolve("global").resolve("pg_control"));
  }

  public static long of(Path dataDir) throws IOException {
    long checkpoint = controlFile(dataDir).checkPoint();
    Path segment = dataDir.resolve("pg_wal").resolve(WalSegments.fileName(WalSegments.segmentNumber(checkpoint)));
    int offset = WalSegments.segmentOffset(checkpoint);
    ByteBuffer bytes = ByteBuffer.allocate(Math.min(READ_BYTES, WalSegments.SEGMENT_SIZE - offset));
    try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ)) {
      while (bytes.hasRemaining() && channel.read(bytes, offset + bytes.position()) > 0) {
        // read until the buffer is full or the file ends
      }
    }
    bytes.flip();
    WalRecord[] first = new WalRecord[1];
    WalRecordDecoder decoder = WalRecordDecoder.atRecordBoundary(checkpoint);
    decoder.feed(checkpoint, bytes, record -> {
      if (first[0] == null) {
        first[0] = record;
      }
    });
    if (first[0] == null) {
      throw new IOException("no complete checkpoint record at " + Lsn.format(checkpoint) + " in " + segment);
    }
    return first[0].endLsn();
  }
}
