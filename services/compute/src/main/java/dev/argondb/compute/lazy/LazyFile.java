package dev.argondb.compute.lazy;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One relation file of a compute's data directory whose bytes are fetched when first read, as a Neon compute
 * reads pages with GetPage@LSN instead of copying the database before it starts. The file lives in a local
 * sparse "backing" file; a bitmap says which 8 KB blocks of the original (the pageserver's image) are there.
 * Reading a block that is not fetches it (with a little read-ahead) and stores it; writing a block makes it
 * local for good; truncation forgets the original past the new end, so a file truncated and extended again
 * reads zeros there, as on a disk. Once every original block is local the backing file is the whole file and
 * can replace the lazy one ({@link #isComplete}).
 *
 * <p>Fetches run without the lock, so a slow pageserver does not stall writers of other blocks; whatever was
 * written or truncated meanwhile wins over the fetched bytes. Thread-safe; blocking.
 */
public final class LazyFile implements Closeable {
  /** Postgres's page size: the unit of presence. */
  public static final int BLOCK = 8192;
  /**
   * At most this many blocks per fetch (128 KB; the pageserver takes up to 1 MiB). Not more: the gRPC client
   * gathers a reply into a buffer that doubles as it grows, to the power of two above the message (256 KB here),
   * and a buffer of half a G1 region or more is a humongous object. Regions are 1 MB in a 2 GB heap (the local
   * stack's): with 1 MiB fetches every reply made one, and fetching a gigabyte in the background cost seconds of
   * collection pauses that stalled every event loop of the JVM, the next compute's basebackup included.
   */
  static final int MAX_FETCH_BLOCKS = 16;
  /** A read that misses fetches this many blocks from the missed one on (scans are common). */
  static final int READ_AHEAD_BLOCKS = MAX_FETCH_BLOCKS;

  private final String sourcePath;
  private final PageSource source;
  private final Path backingPath;
  private final FileChannel backing;
  private final ReentrantLock lock = new ReentrantLock();
  private final BitSet present = new BitSet();
  private final LazyStats stats;
  private long size;
  /** Blocks below this come from the source until written; a truncation lowers it for good. */
  private volatile long sourceBlocks; // written under the lock only
  /** Original blocks (below sourceBlocks) that are local: read without the lock, for progress reports. */
  private volatile long localBlocks;
  private boolean closed;

  /**
   * A lazy file of {@code size} bytes whose original is {@code sourcePath} at {@code source}, backed by a new
   * sparse file at {@code backingPath} (which must not exist).
   */
  public LazyFile(String sourcePath, long size, PageSource source, Path backingPath, LazyStats stats)
      throws IOException {
    this.sourcePath = sourcePath;
    this.source = source;
    this.backingPath = backingPath;
    this.stats = stats;
    this.size = size;
    this.sourceBlocks = blocksCovering(size);
    this.backing = FileChannel.open(backingPath, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    setBackingLength(size);
  }

  public String sourcePath() {
    return sourcePath;
  }

  public Path backingPath() {
    return backingPath;
  }

  public long size() {
    lock.lock();
    try {
      return size;
    } finally {
      lock.unlock();
    }
  }

  /** Reads up to {@code length} bytes at {@code offset} into {@code target}; returns how many (0 at the end). */
  public int read(long offset, int length, ByteBuffer target) throws IOException {
    lock.lock();
    try {
      if (offset >= size || length <= 0) {
        return 0;
      }
      int n = (int) Math.min(length, size - offset);
      hydrate(offset / BLOCK, (offset + n - 1) / BLOCK, READ_AHEAD_BLOCKS);
      ByteBuffer slice = target.slice().limit(n);
      readBacking(slice, offset);
      target.position(target.position() + n);
      return n;
    } finally {
      lock.unlock();
    }
  }

  /** Writes all of {@code bytes} at {@code offset}, extending the file if it ends before. */
  public void write(long offset, ByteBuffer bytes) throws IOException {
    int n = bytes.remaining();
    if (n == 0) {
      return;
    }
    lock.lock();
    try {
      long end = offset + n;
      long first = offset / BLOCK;
      long last = (end - 1) / BLOCK;
      // A block written only in part keeps the rest of its original bytes: fetch it first.
      if (offset % BLOCK != 0) {
        hydrate(first, first, 1);
      }
      if (end % BLOCK != 0) {
        hydrate(last, last, 1);
      }
      for (long at = offset; bytes.hasRemaining(); ) {
        at += backing.write(bytes, at);
      }
      for (long block = first; block <= last; block++) {
        markPresent(block);
      }
      size = Math.max(size, end);
    } finally {
      lock.unlock();
    }
  }

  /** Sets the file's size: shorter forgets the original past it, longer adds zeros. */
  public void truncate(long newSize) throws IOException {
    lock.lock();
    try {
      if (newSize < size) {
        if (newSize % BLOCK != 0) {
          long partial = newSize / BLOCK;
          hydrate(partial, partial, 1);
        }
        backing.truncate(newSize);
        present.clear((int) blocksCovering(newSize), Integer.MAX_VALUE);
        sourceBlocks = Math.min(sourceBlocks, newSize / BLOCK);
        localBlocks = countLocal();
      } else if (newSize > size) {
        setBackingLength(newSize);
      }
      size = newSize;
    } finally {
      lock.unlock();
    }
  }

  /** fallocate(2) mode 0: makes the file at least {@code offset + length} bytes long (zeros). */
  public void allocate(long offset, long length) throws IOException {
    lock.lock();
    try {
      if (offset + length > size) {
        truncate(offset + length);
      }
    } finally {
      lock.unlock();
    }
  }

  public void sync() throws IOException {
    backing.force(false);
  }

  /**
   * Fetches the next run of original blocks that are not local yet (up to 1 MiB); false once there are none.
   * For a background prefetch that makes the file complete.
   */
  public boolean fetchNext() throws IOException {
    lock.lock();
    try {
      long missing = present.nextClearBit(0);
      if (missing >= sourceBlocks) {
        return false;
      }
      fetch(missing, MAX_FETCH_BLOCKS);
      stats.prefetched();
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Bytes of the original's blocks that are local (about: a last partial block counts whole). Lock-free. */
  public long localBytes() {
    return localBlocks * BLOCK;
  }

  /** Bytes of the original (the pageserver's file, less what a truncation cut off). Lock-free. */
  public long sourceBytes() {
    return sourceBlocks * BLOCK;
  }

  /** Every original block is local: the backing file holds the whole file. */
  public boolean isComplete() {
    lock.lock();
    try {
      return present.nextClearBit(0) >= sourceBlocks;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() throws IOException {
    lock.lock();
    try {
      if (!closed) {
        closed = true;
        backing.close();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Makes blocks {@code first..last} local where they come from the source, fetching at least {@code atLeast}
   * blocks per miss. Called and returns with the lock held; releases it while fetching.
   */
  private void hydrate(long first, long last, int atLeast) throws IOException {
    long limit = Math.min(last + 1, sourceBlocks);
    for (long missing = present.nextClearBit((int) first); missing < limit;
         missing = present.nextClearBit((int) first), limit = Math.min(last + 1, sourceBlocks)) {
      fetch(missing, Math.max(atLeast, (int) Math.min(MAX_FETCH_BLOCKS, limit - missing)));
      stats.missed();
    }
  }

  /** Fetches up to {@code blocks} missing blocks from {@code first} on; lock held on entry and exit. */
  private void fetch(long first, int blocks) throws IOException {
    long next = present.nextSetBit((int) first);
    long end = Math.min(first + Math.min(blocks, MAX_FETCH_BLOCKS), sourceBlocks);
    if (next >= 0) {
      end = Math.min(end, next);
    }
    int length = (int) ((end - first) * BLOCK);
    byte[] bytes;
    long begin = System.nanoTime();
    lock.unlock();
    try {
      bytes = source.read(sourcePath, first * BLOCK, length);
    } finally {
      lock.lock();
    }
    if (closed) {
      throw new IOException("lazy file " + sourcePath + " was closed while fetching");
    }
    stats.fetched(bytes.length, System.nanoTime() - begin);
    install(first, end, bytes);
  }

  /** Stores fetched blocks {@code first..end-1} that are still missing and still come from the source. */
  private void install(long first, long end, byte[] bytes) throws IOException {
    long stop = Math.min(end, sourceBlocks);
    for (long block = first; block < stop; block++) {
      if (present.get((int) block)) {
        continue; // written (or fetched by another reader) while this fetch ran: that is newer
      }
      int from = (int) ((block - first) * BLOCK);
      if (from < bytes.length) {
        ByteBuffer page = ByteBuffer.wrap(bytes, from, Math.min(BLOCK, bytes.length - from));
        for (long at = block * BLOCK; page.hasRemaining(); ) {
          at += backing.write(page, at);
        }
      } // else the source file ended before this block: the backing file's zeros are its bytes
      markPresent(block);
    }
  }

  private void markPresent(long block) {
    if (!present.get((int) block)) {
      present.set((int) block);
      if (block < sourceBlocks) {
        localBlocks++; // under the lock: one writer
      }
    }
  }

  private long countLocal() {
    long count = 0;
    for (int i = present.nextSetBit(0); i >= 0 && i < sourceBlocks; i = present.nextSetBit(i + 1)) {
      count++;
    }
    return count;
  }

  private void readBacking(ByteBuffer target, long offset) throws IOException {
    for (long at = offset; target.hasRemaining(); ) {
      int got = backing.read(target, at);
      if (got < 0) {
        break; // cannot happen: the backing file is always the file's size
      }
      at += got;
    }
    while (target.hasRemaining()) {
      target.put((byte) 0);
    }
  }

  /** Grows the sparse backing file to {@code length} without writing its zeros. */
  private void setBackingLength(long length) throws IOException {
    if (length > backing.size()) {
      backing.write(ByteBuffer.allocate(1), length - 1);
    }
  }

  private static long blocksCovering(long bytes) {
    return (bytes + BLOCK - 1) / BLOCK;
  }
}
