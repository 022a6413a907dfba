package dev.argondb.safekeeper.wal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The one thread that writes and fsyncs a timeline's WAL. A thread of its own rather than Vert.x's
 * worker pool: the writer keeps it busy for as long as WAL arrives (one fsync after another), which
 * the pool's blocked-thread checker would report, and it must not queue behind unrelated blocking work.
 *
 * <p>The hand-off from the event loop is a lock-free queue (the owner's) plus {@link #signal()}: an
 * {@code unpark} of the parked thread, no lock and no executor queue on the commit path. It parks at
 * once when idle: spinning 50 us first, so that WAL arriving right after an fsync would find it awake,
 * cost more CPU per transaction (275 vs 172 us in the quorum-commit benchmark) than the wake-ups it saved.
 * The thread ends after a few idle seconds and is started again by the next signal, so a safekeeper
 * holding many quiet timelines keeps threads only for the busy ones.
 */
final class WalWriterThread {
  private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final String name;
  private final Runnable drain;
  private final BooleanSupplier hasWork;
  private final AckHandOff acks;
  /** Whether a thread runs the loop (started and not yet decided to end). */
  private final AtomicBoolean running = new AtomicBoolean();
  /** The thread while parked waiting for work, else null: whom {@link #signal()} unparks. */
  private volatile Thread parked;

  /**
   * @param drain   takes and does everything queued so far; called on this thread only
   * @param hasWork whether something is queued; any thread
   */
  WalWriterThread(String name, Runnable drain, BooleanSupplier hasWork, AckHandOff acks) {
    this.name = name;
    this.drain = drain;
    this.hasWork = hasWork;
    this.acks = acks;
  }

  /** After queuing work, from any thread: wakes the writer thread, or starts one. */
  void signal() {
    if (running.compareAndSet(false, true)) {
      Thread thread = new Thread(this::run, name);
      thread.setDaemon(true); // never keeps a stopping JVM alive; acks wait for fsync regardless
      thread.start();
      return;
    }
    Thread waiting = parked;
    if (waiting != null) {
      LockSupport.unpark(waiting);
    }
  }

  private void run() {
    while (true) {
      drain.run();
      if (park()) {
        continue;
      }
      running.set(false);
      // Work queued after the last look but whose signal still saw us running: take it on.
      if (!hasWork.getAsBoolean() || !running.compareAndSet(false, true)) {
        return;
      }
    }
  }

  /**
   * True once work is queued; false after {@link #IDLE_NANOS} without any. While acknowledgements wait for
   * the event loop, it sleeps at most {@link AckHandOff#LINGER_NANOS} at a time and then wakes the loop.
   */
  private boolean park() {
    // Published before the queue is looked at again, and a signaller queues before it reads `parked`:
    // one of the two sees the other, so no signal is lost.
    parked = Thread.currentThread();
    try {
      long deadline = System.nanoTime() + IDLE_NANOS;
      while (!hasWork.getAsBoolean()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        if (acks.waiting()) {
          long lingerEnd = System.nanoTime() + AckHandOff.LINGER_NANOS;
          LockSupport.parkNanos(this, Math.min(left, AckHandOff.LINGER_NANOS));
          if (!hasWork.getAsBoolean() && acks.waiting() && System.nanoTime() - lingerEnd >= 0) {
            acks.nudge();
          }
          continue;
        }
        LockSupport.parkNanos(this, left);
      }
      return true;
    } finally {
      parked = null;
    }
  }
}
