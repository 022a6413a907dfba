package dev.argondb.pageserver.ingest;

import dev.argondb.bus.BusErrors;
import dev.argondb.pageserver.PageserverException;
import dev.argondb.pageserver.timeline.Timeline;
import dev.argondb.pgformat.Lsn;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * Waits until a timeline's ingest has caught up with an LSN the safekeepers committed: every record ending
 * at or below it is indexed. The WAL received counts too, since a commit LSN can fall inside a record that is
 * still being written; that record is not committed data yet. Polls on the caller's event loop (a branch
 * request is rare, and the usual case is "already there").
 */
public final class CatchUp {
  private static final long POLL_MILLIS = 5;

  private CatchUp() {}

  public static Future<Void> to(Vertx vertx, Timeline timeline, long lsn, long timeoutMillis) {
    Promise<Void> done = Promise.promise();
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
    poll(vertx, timeline, lsn, deadline, done);
    return done.future();
  }

  private static void poll(Vertx vertx, Timeline timeline, long lsn, long deadline, Promise<Void> done) {
    if (Lsn.compare(timeline.lastRecordLsn(), lsn) >= 0 || Lsn.compare(timeline.indexer().receivedLsn(), lsn) >= 0) {
      done.complete();
    } else if (System.nanoTime() > deadline) {
      done.fail(new PageserverException(BusErrors.UNAVAILABLE, "the pageserver's ingest of timeline "
          + timeline.timelineId() + " is at " + Lsn.format(timeline.lastRecordLsn()) + ", behind the safekeepers' "
          + "commit LSN " + Lsn.format(lsn) + "; try again"));
    } else {
      vertx.setTimer(POLL_MILLIS, id -> poll(vertx, timeline, lsn, deadline, done));
    }
  }
}
