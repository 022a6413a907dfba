package dev.argondb.safekeeper.wal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one thread that writes and fsyncs a timeline's WAL. A thread of its own rather than Vert.x's
 * worker pool: the writer keeps it busy for as long as WAL arrives (one fsync after another), which
 * the pool's blocked-thread checker would report, and it must not queue behind unrelated blocking work.
 * The thread ends after a few idle seconds and is started again by the next task, so a safekeeper
 * holding many quiet timelines keeps threads only for the busy ones.
 */
final class WalWriterThread {
  private static final long IDLE_SECONDS = 5;

  private WalWriterThread() {}

  static ExecutorService create(String name) {
    ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, IDLE_SECONDS, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), task -> {
          Thread thread = new Thread(task, name);
          thread.setDaemon(true); // never keeps a stopping JVM alive; acks wait for fsync regardless
          return thread;
        });
    executor.allowCoreThreadTimeOut(true);
    return executor;
  }
}
