package dev.argondb.compute.basebackup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded hand-over from an event loop that receives chunks to one worker thread that reads them as an
 * {@link InputStream}. {@link #offer} never blocks: it answers whether the pipe is full, and the producer then
 * pauses its source; the reader calls {@code resume} once it has drained the pipe below the low-water mark. So
 * memory stays bounded by about {@code highWater} plus one chunk, and neither side waits on the other's thread.
 */
final class ChunkPipe extends InputStream {
  private final int highWater;
  private final int lowWater;
  private final Runnable resume;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition readable = lock.newCondition();
  private final ArrayDeque<ByteBuffer> chunks = new ArrayDeque<>();
  private long buffered;
  private boolean full;
  private boolean ended;
  private boolean aborted;
  private IOException failure;

  /** {@code resume} is called on the reader's thread; it must hand over to the producer's own thread. */
  ChunkPipe(int highWater, int lowWater, Runnable resume) {
    if (lowWater < 0 || lowWater >= highWater) {
      throw new IllegalArgumentException("need 0 <= lowWater < highWater, got " + lowWater + ", " + highWater);
    }
    this.highWater = highWater;
    this.lowWater = lowWater;
    this.resume = resume;
  }

  /** Adds a chunk (not copied: the caller must not reuse it); true = full, pause until {@code resume}. */
  boolean offer(ByteBuffer chunk) {
    lock.lock();
    try {
      if (aborted || ended || failure != null) {
        return false; // nobody will read it
      }
      if (chunk.hasRemaining()) {
        chunks.add(chunk);
        buffered += chunk.remaining();
        readable.signal();
      }
      if (buffered >= highWater) {
        full = true;
      }
      return full;
    } finally {
      lock.unlock();
    }
  }

  /** The producer has no more chunks: the reader sees the end of the stream after the buffered ones. */
  void end() {
    lock.lock();
    try {
      ended = true;
      readable.signal();
    } finally {
      lock.unlock();
    }
  }

  /** The producer failed: the reader gets {@code cause} instead of the rest of the stream. */
  void fail(IOException cause) {
    lock.lock();
    try {
      if (failure == null && !ended) {
        failure = cause;
      }
      readable.signal();
    } finally {
      lock.unlock();
    }
  }

  /** The reader gave up: drop what is buffered and ignore further chunks. */
  void abort() {
    lock.lock();
    try {
      aborted = true;
      chunks.clear();
      buffered = 0;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] target, int offset, int length) throws IOException {
    if (length == 0) {
      return 0;
    }
    boolean resumeProducer = false;
    int n;
    lock.lock();
    try {
      while (chunks.isEmpty()) {
        if (failure != null) {
          throw failure;
        }
        if (ended || aborted) {
          return -1;
        }
        readable.awaitUninterruptibly();
      }
      ByteBuffer head = chunks.peek();
      n = Math.min(length, head.remaining());
      head.get(target, offset, n);
      if (!head.hasRemaining()) {
        chunks.poll();
      }
      buffered -= n;
      if (full && buffered <= lowWater) {
        full = false;
        resumeProducer = true;
      }
    } finally {
      lock.unlock();
    }
    if (resumeProducer) {
      resume.run();
    }
    return n;
  }

  @Override
  public int available() {
    lock.lock();
    try {
      return (int) Math.min(Integer.MAX_VALUE, buffered);
    } finally {
      lock.unlock();
    }
  }
}
