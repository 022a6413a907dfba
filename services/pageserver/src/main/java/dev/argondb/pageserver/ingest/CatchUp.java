package dev.argondb.pageserver.ingest;

import dev.argondb.bus.BusErrors;
import dev.argondb.pageserver.PageserverException;
import dev.argondb.pageserver.timeline.LsnWaiters;
import dev.argondb.pageserver.timeline.Timeline;
import dev.argondb.pgformat.Lsn;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * Waits until a timeline's ingest has caught up with an LSN the safekeepers committed: every record ending
 * at or below it is indexed. The WAL received counts too, since a commit LSN can fall inside a record that is
 * still being written; that record is not committed data yet. Rides on the timeline's {@link LsnWaiters}: it
 * wakes at each newly ingested record and looks again, so nothing polls.
 */
public final class CatchUp {
  private final Timeline timeline;
  private final long lsn;
  private final Context context;
  private final Promise<Void> done = Promise.promise();
  private LsnWaiters.Waiter next;

  private CatchUp(Timeline timeline, long lsn, Context context) {
    this.timeline = timeline;
    this.lsn = lsn;
    this.context = context;
  }

  public static Future<Void> to(Vertx vertx, Timeline timeline, long lsn, long timeoutMillis) {
    CatchUp wait = new CatchUp(timeline, lsn, vertx.getOrCreateContext());
    long timer = vertx.setTimer(Math.max(1, timeoutMillis), id -> wait.timedOut());
    wait.lookAgain();
    return wait.done.future().onComplete(finished -> vertx.cancelTimer(timer));
  }

  private boolean caughtUp() {
    return Lsn.compare(timeline.lastRecordLsn(), lsn) >= 0 || Lsn.compare(timeline.indexer().receivedLsn(), lsn) >= 0;
  }

  /** Done, or wait for the next ingested record (the WAL received moves with it). On the caller's context. */
  private void lookAgain() {
    if (done.future().isComplete()) {
      return;
    }
    if (caughtUp()) {
      done.tryComplete();
      return;
    }
    next = timeline.lsnWaiters().waitFor(timeline.lastRecordLsn() + 1, context);
    next.future().onSuccess(advanced -> lookAgain());
  }

  private void timedOut() {
    if (caughtUp()) { // received bytes past the LSN inside a record that has not ended: no waiter woke for it
      done.tryComplete();
    } else {
      done.tryFail(new PageserverException(BusErrors.UNAVAILABLE, "the pageserver's ingest of timeline "
          + timeline.timelineId() + " is at " + Lsn.format(timeline.lastRecordLsn()) + ", behind the safekeepers' "
          + "commit LSN " + Lsn.format(lsn) + "; try again"));
    }
    if (next != null) {
      next.fail(new IllegalStateException("catch-up ended"));
    }
  }
}
