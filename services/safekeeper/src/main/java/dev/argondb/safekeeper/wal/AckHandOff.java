package dev.argondb.safekeeper.wal;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import io.vertx.core.Context;
import io.vertx.core.internal.ContextInternal;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands the writer thread's acknowledgements to the timeline's event loop without waking it. The task
 * is queued lazily (Netty's {@code lazyExecute}): a running event loop takes it before it next sleeps,
 * a sleeping one when it next wakes for I/O, which under load is the compute's next WAL a moment later.
 * So that an acknowledgement never waits on a quiet connection, the writer thread calls {@link #nudge()}
 * when it has been idle for {@link #LINGER_NANOS} with a hand-off still queued: a plain task, which wakes
 * the loop. Without a Netty event loop (a worker context) every hand-off is a plain {@code runOnContext}.
 */
final class AckHandOff {
  /** How long a queued acknowledgement may wait for the event loop to wake by itself. */
  static final long LINGER_NANOS = 2_000_000;

  private final Context context;
  private final SingleThreadEventExecutor lazyLoop;
  /** Hand-offs queued and hand-offs run: equal when none is waiting. */
  private final AtomicLong posted = new AtomicLong();
  private final AtomicLong ran = new AtomicLong();

  AckHandOff(Context context) {
    this.context = context;
    EventLoop loop = context.isEventLoopContext() && context instanceof ContextInternal internal
        ? internal.nettyEventLoop() : null;
    this.lazyLoop = loop instanceof SingleThreadEventExecutor executor ? executor : null;
  }

  /** From the writer thread: runs {@code ack} on the context, soon but without waking its event loop. */
  void post(Runnable ack) {
    if (lazyLoop == null) {
      context.runOnContext(v -> ack.run());
      return;
    }
    posted.incrementAndGet();
    ContextInternal internal = (ContextInternal) context;
    try {
      lazyLoop.lazyExecute(() -> {
        ran.incrementAndGet();
        internal.dispatch(v -> ack.run());
      });
    } catch (RejectedExecutionException closing) {
      ran.incrementAndGet(); // Vert.x is closing: nobody is left to take the acknowledgement
    }
  }

  /** Whether a hand-off is still queued, waiting for the event loop to wake. */
  boolean waiting() {
    return ran.get() != posted.get();
  }

  /** Wakes the event loop, which then runs every queued hand-off. */
  void nudge() {
    if (lazyLoop != null) {
      try {
        lazyLoop.execute(() -> { });
      } catch (RejectedExecutionException closing) {
        // Vert.x is closing: the queued acknowledgements go with it
      }
    }
  }
}
