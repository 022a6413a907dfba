package dev.argondb.pageserver.basebackup;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes a basebackup's tar a chunk at a time: each {@link #next()} produces about {@link #CHUNK_BYTES}
 * of tar and returns, so the sender can wait for the receiver between chunks and never holds the whole
 * tar. Blocking; one caller at a time.
 */
final class TarProducer {
  /**
   * Under the gRPC client's default maximum message size (256 KB): reads stop at this size, so a chunk
   * overshoots it only by a tar header, padding or the end-of-archive record (under 12 KB). Large chunks mean
   * few worker hand-offs per basebackup.
   */
  static final int CHUNK_BYTES = 224 << 10;
  private static final int DIRECTORY_MODE = 0700;
  private static final int FILE_MODE = 0600;

  private final BasebackupPlan plan;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream(CHUNK_BYTES + (16 << 10));
  private final TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
  private final ByteBuffer buffer = ByteBuffer.allocate(CHUNK_BYTES);
  private int index;
  private long offset;
  private boolean entryOpen;
  private boolean finished;
  private long produced;
  private long producingNanos;

  TarProducer(BasebackupPlan plan) {
    this.plan = plan;
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
  }

  /** The next bytes of the tar, or null once it is complete. */
  byte[] next() throws IOException {
    long begin = System.nanoTime();
    try {
      return produce();
    } finally {
      producingNanos += System.nanoTime() - begin;
    }
  }

  private byte[] produce() throws IOException {
    while (out.size() < CHUNK_BYTES && !finished) {
      if (index == plan.entries().size()) {
        tar.finish();
        finished = true;
        break;
      }
      TarEntrySource entry = plan.entries().get(index);
      if (!entryOpen) {
        TarArchiveEntry header = new TarArchiveEntry(entry.isDirectory() ? entry.name() + "/" : entry.name());
        header.setMode((entry.isDirectory() ? TarArchiveEntry.DEFAULT_DIR_MODE & ~0777 | DIRECTORY_MODE
            : TarArchiveEntry.DEFAULT_FILE_MODE & ~0777 | FILE_MODE));
        header.setSize(entry.size());
        entry.paxHeaders().forEach(header::addPaxHeader);
        tar.putArchiveEntry(header);
        entryOpen = true;
        offset = 0;
      }
      if (offset < entry.size() && out.size() < CHUNK_BYTES) {
        int n = (int) Math.min(CHUNK_BYTES - out.size(), entry.size() - offset);
        buffer.clear().limit(n);
        entry.read(offset, buffer);
        tar.write(buffer.array(), 0, n);
        offset += n;
      }
      if (offset == entry.size()) {
        tar.closeArchiveEntry();
        entryOpen = false;
        index++;
      }
    }
    if (out.size() == 0) {
      return null;
    }
    byte[] chunk = out.toByteArray();
    out.reset();
    produced += chunk.length;
    return chunk;
  }

  long producedBytes() {
    return produced;
  }

  /** Time spent producing (reading the image chain, writing tar), summed over the chunks. */
  long producingNanos() {
    return producingNanos;
  }
}
