package dev.argondb.safekeeper.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Appends WAL to segment files opened with {@code O_DIRECT | O_DSYNC}: each write is whole, aligned blocks and is
 * durable when it returns, so a batch costs one {@code pwrite} and no {@code fdatasync}, and no page-cache
 * writeback (per batch: 25 % less CPU than write + fdatasync on this machine's disk, 33 vs 44 us; under load
 * fdatasync's writeback cost 1.7x more per call). Postgres writes its own WAL this way with
 * {@code wal_sync_method = open_datasync} and {@code debug_io_direct = wal}.
 *
 * <p>A write that starts inside a block rewrites that block's earlier bytes too. They are kept from the previous
 * write (the tail), or read back from the file when the write does not continue it (after a restart or a
 * truncation). What follows the WAL's end in the last block is zeros, which is what the zero-filled segment held
 * there anyway, so a reader still tells written WAL from never-written space. Used by one thread at a time.
 */
final class DirectBlockWriter {
  /** The largest write: a batch larger than this goes out in several. */
  private static final int MAX_WRITE = 512 << 10;

  private final int blockSize;
  private final ByteBuffer stage;
  /** The WAL bytes of the block holding the end of the last write, and which segment and block that is. */
  private final byte[] tail;
  private int tailBytes;
  private long tailSegment = -1;
  private long tailBlockStart = -1;

  DirectBlockWriter(int blockSize) {
    if (Integer.bitCount(blockSize) != 1) {
      throw new IllegalArgumentException("block size must be a power of two: " + blockSize);
    }
    this.blockSize = blockSize;
    this.stage = ByteBuffer.allocateDirect(MAX_WRITE + 2 * blockSize).alignedSlice(blockSize);
    this.tail = new byte[blockSize];
  }

  /** Writes {@code data} (position to limit, consumed) at {@code offset} of segment {@code segment}'s channel. */
  void write(FileChannel channel, long segment, long offset, ByteBuffer data) throws IOException {
    long at = offset;
    while (data.hasRemaining()) {
      long blockStart = at & -blockSize;
      int head = (int) (at - blockStart);
      stage.clear();
      if (head > 0) {
        putHead(channel, segment, blockStart, head);
      }
      int n = Math.min(data.remaining(), MAX_WRITE);
      stage.put(data.slice(data.position(), n));
      data.position(data.position() + n);
      int walBytes = stage.position();
      int padded = (walBytes + blockSize - 1) & -blockSize;
      while (stage.position() < padded) {
        stage.put((byte) 0);
      }
      stage.flip();
      long pos = blockStart;
      while (stage.hasRemaining()) {
        pos += channel.write(stage, pos);
      }
      at = blockStart + walBytes;
      rememberTail(segment, blockStart, walBytes);
    }
  }

  /** Forgets the tail: the file changed under it (a truncation zeroed it, or the segment went). */
  void forgetTail() {
    tailSegment = -1;
    tailBlockStart = -1;
  }

  /** Puts the block's first {@code head} bytes into the stage: the last write's tail if it is that block, else the file's. */
  private void putHead(FileChannel channel, long segment, long blockStart, int head) throws IOException {
    if (tailSegment == segment && tailBlockStart == blockStart && tailBytes == head) {
      stage.put(tail, 0, head);
      return;
    }
    stage.limit(blockSize); // direct reads need an aligned buffer: the stage is one
    long pos = blockStart;
    while (stage.hasRemaining()) {
      if (channel.read(stage, pos) < 0) {
        throw new IOException("segment " + segment + " ends inside the block at " + blockStart);
      }
      pos = blockStart + stage.position();
    }
    stage.clear().position(head);
  }

  private void rememberTail(long segment, long blockStart, int walBytes) {
    int lastBlock = walBytes & -blockSize;
    tailSegment = segment;
    tailBlockStart = blockStart + lastBlock;
    tailBytes = walBytes - lastBlock;
    stage.get(lastBlock, tail, 0, tailBytes);
  }
}
