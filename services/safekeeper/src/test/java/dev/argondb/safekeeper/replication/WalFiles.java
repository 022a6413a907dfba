package dev.argondb.safekeeper.replication;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;

/** Reads WAL bytes for an LSN range straight from pg_wal segment files (timeline 1). */
final class WalFiles {
  private WalFiles() {}

  static String segmentName(int timeline, long lsn, long segmentSize) {
    long segNo = lsn / segmentSize;
    long segmentsPerXLogId = 0x1_0000_0000L / segmentSize;
    return String.format("%08X%08X%08X", timeline, segNo / segmentsPerXLogId, segNo % segmentsPerXLogId);
  }

  static byte[] read(Path walDir, long from, long to, long segmentSize) throws IOException {
    byte[] out = new byte[(int) (to - from)];
    long lsn = from;
    while (lsn < to) {
      long offset = lsn % segmentSize;
      int length = (int) Math.min(to - lsn, segmentSize - offset);
      try (RandomAccessFile file = new RandomAccessFile(walDir.resolve(segmentName(1, lsn, segmentSize)).toFile(),
          "r")) {
        file.seek(offset);
        file.readFully(out, (int) (lsn - from), length);
      }
      lsn += length;
    }
    return out;
  }
}
