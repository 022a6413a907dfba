package dev.argondb.pageserver.timeline;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Requests waiting for a timeline's ingest to reach an LSN, without holding a thread: each waiter is a
 * future completed on its requester's context once the indexer reports a last record end at or beyond its
 * LSN (or failed: timed out, cancelled, timeline deleted). Thread-safe; {@link #advanced} is called by the
 * ingest worker after every ingested chunk.
 */
public final class LsnWaiters {
  /** One waiting request; {@link #fail} ends the wait early (a timeout, a gone client). */
  public final class Waiter {
    private final long lsn;
    private final Context context;
    private final Promise<Void> promise = Promise.promise();

    private Waiter(long lsn, Context context) {
      this.lsn = lsn;
      this.context = context;
    }

    public long lsn() {
      return lsn;
    }

    public Future<Void> future() {
      return promise.future();
    }

    /** Stops waiting with {@code cause}, unless the LSN was reached already. */
    public void fail(Throwable cause) {
      boolean removed;
      synchronized (LsnWaiters.this) {
        removed = waiting.remove(this);
      }
      if (removed) {
        context.runOnContext(v -> promise.tryFail(cause));
      }
    }

    private void reached() {
      context.runOnContext(v -> promise.tryComplete());
    }
  }

  private final Set<Waiter> waiting = new LinkedHashSet<>();
  private long reached;

  public LsnWaiters(long reached) {
    this.reached = reached;
  }

  /** A future completed on {@code context} once ingest has reached {@code lsn} (at once if it has). */
  public Waiter waitFor(long lsn, Context context) {
    Waiter waiter = new Waiter(lsn, context);
    synchronized (this) {
      if (Long.compareUnsigned(lsn, reached) > 0) {
        waiting.add(waiter);
        return waiter;
      }
    }
    waiter.reached();
    return waiter;
  }

  /** Ingest has stored and indexed every record up to {@code lastRecordLsn}: wakes who waited for that. */
  public void advanced(long lastRecordLsn) {
    List<Waiter> due = new ArrayList<>();
    synchronized (this) {
      if (Long.compareUnsigned(lastRecordLsn, reached) <= 0) {
        return;
      }
      reached = lastRecordLsn;
      for (Iterator<Waiter> it = waiting.iterator(); it.hasNext(); ) {
        Waiter waiter = it.next();
        if (Long.compareUnsigned(waiter.lsn, lastRecordLsn) <= 0) {
          it.remove();
          due.add(waiter);
        }
      }
    }
    due.forEach(Waiter::reached);
  }

  /** Ends every wait with {@code cause} (the timeline is going away). */
  public void failAll(Throwable cause) {
    List<Waiter> all;
    synchronized (this) {
      all = new ArrayList<>(waiting);
    }
    all.forEach(waiter -> waiter.fail(cause));
  }

  public synchronized int waitingCount() {
    return waiting.size();
  }
}
