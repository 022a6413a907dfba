package dev.argondb.safekeeper.wal;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A real fsync that, while held, waits for the test to release it: pins "ack after fsync". */
final class BlockingSync implements WalSync {
  private final WalSync real;
  private final CountDownLatch release = new CountDownLatch(1);
  private final Semaphore entered = new Semaphore(0);
  private final AtomicInteger completed = new AtomicInteger();

  BlockingSync(WalSync real) {
    this.real = real;
  }

  @Override
  public void fsync() throws IOException {
    entered.release();
    try {
      if (!release.await(30, TimeUnit.SECONDS)) {
        throw new IOException("test never released the fsync");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    real.fsync();
    completed.incrementAndGet();
  }

  void awaitEntered() throws InterruptedException {
    if (!entered.tryAcquire(10, TimeUnit.SECONDS)) {
      throw new AssertionError("fsync never started");
    }
  }

  void release() {
    release.countDown();
  }

  int completed() {
    return completed.get();
  }
}
