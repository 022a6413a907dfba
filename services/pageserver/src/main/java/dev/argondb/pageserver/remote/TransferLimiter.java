package dev.argondb.pageserver.remote;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.function.Supplier;

/** Runs at most {@code permits} transfers at once over all timelines; the rest wait their turn in order. */
final class TransferLimiter {
  private final int permits;
  private int running;
  private final Queue<Runnable> waiting = new ArrayDeque<>();

  TransferLimiter(int permits) {
    if (permits < 1) {
      throw new IllegalArgumentException("upload concurrency must be at least 1, got " + permits);
    }
    this.permits = permits;
  }

  <T> Future<T> run(Supplier<Future<T>> transfer) {
    Promise<T> promise = Promise.promise();
    Runnable start = () -> {
      Future<T> started;
      try {
        started = transfer.get();
      } catch (RuntimeException e) {
        started = Future.failedFuture(e);
      }
      started.onComplete(done -> {
        release();
        promise.handle(done);
      });
    };
    boolean now;
    synchronized (this) {
      now = running < permits;
      if (now) {
        running++;
      } else {
        waiting.add(start);
      }
    }
    if (now) {
      start.run();
    }
    return promise.future();
  }

  private void release() {
    Runnable next;
    synchronized (this) {
      next = waiting.poll();
      if (next == null) {
        running--;
      }
    }
    if (next != null) {
      next.run();
    }
  }
}
