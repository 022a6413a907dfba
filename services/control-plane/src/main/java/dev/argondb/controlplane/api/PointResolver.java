package dev.argondb.controlplane.api;

import dev.argondb.bus.PageserverLsnAtTime;
import dev.argondb.controlplane.ControlPlaneError;
import dev.argondb.controlplane.model.Timeline;
import dev.argondb.controlplane.pageserver.PageserverTimelines;
import dev.argondb.controlplane.wal.CommittedWal;
import dev.argondb.pgformat.Lsn;
import io.vertx.core.Future;
import java.time.Instant;

/**
 * Where on a timeline a branch or a snapshot starts: a given LSN, the last commit at or before a time, or the
 * current end (0). For the current end and for a time, the pageserver first ingests everything the safekeepers
 * committed, so the point holds every COMMIT acknowledged before the request; a time is resolved with a GC lease,
 * so GC cannot collect the point before the branch or snapshot exists there.
 */
final class PointResolver {
  private final PageserverTimelines pageserver;
  /** Null without safekeepers. */
  private final CommittedWal committedWal;

  PointResolver(PageserverTimelines pageserver, CommittedWal committedWal) {
    this.pageserver = pageserver;
    this.committedWal = committedWal;
  }

  /**
   * A resolved point: {@code lsn}, or (0) the timeline's end once the pageserver has ingested up to
   * {@code catchUpLsn}, the safekeepers' commit LSN (0: nothing to wait for).
   */
  record Point(long lsn, long catchUpLsn) {}

  /** {@code lsn} (non-zero), else the LSN of {@code time} (non-null), else 0 once caught up. */
  Future<Long> lsn(Timeline timeline, long lsn, Instant time) {
    return point(timeline, lsn, time).compose(point -> point.catchUpLsn() == 0 ? Future.succeededFuture(point.lsn())
        : pageserver.catchUp(timeline.tenantId(), timeline.id(), point.catchUpLsn()).map(point.lsn()));
  }

  /**
   * As {@link #lsn}, but the current end comes with the commit LSN to catch up with still to do: a branch
   * creation has the pageserver wait for it in the same request (one round trip fewer on every branch).
   */
  Future<Point> point(Timeline timeline, long lsn, Instant time) {
    if (lsn != 0) {
      return Future.succeededFuture(new Point(lsn, 0));
    }
    Future<Long> committed = committedWal == null ? Future.succeededFuture(0L)
        : committedWal.commitLsn(timeline.tenantId(), timeline.id());
    if (time == null) {
      return committed.map(catchUpLsn -> new Point(0, catchUpLsn));
    }
    return committed
        .compose(catchUpLsn -> catchUpLsn == 0 ? Future.succeededFuture()
            : pageserver.catchUp(timeline.tenantId(), timeline.id(), catchUpLsn))
        .compose(ready -> lsnAtTime(timeline, time))
        .map(found -> new Point(found, 0));
  }

  private Future<Long> lsnAtTime(Timeline timeline, Instant time) {
    long micros = Math.addExact(Math.multiplyExact(time.getEpochSecond(), 1_000_000L), time.getNano() / 1_000);
    return pageserver.lsnForTime(timeline.tenantId(), timeline.id(), micros)
        .recover(failure -> Future.failedFuture(failure instanceof ControlPlaneError error && error.status() == 404
            ? ControlPlaneError.badRequest("no commit on branch \"" + timeline.name() + "\" at or before "
                + time + " (its first commit is later)")
            : failure))
        .compose(found -> found.timelineId().equals(timeline.id())
            ? Future.succeededFuture(found.lsn())
            : Future.failedFuture(beforeBranchStart(timeline, time, found)));
  }

  private static ControlPlaneError beforeBranchStart(Timeline timeline, Instant time, PageserverLsnAtTime found) {
    return ControlPlaneError.badRequest(time + " is before branch \"" + timeline.name()
        + "\" was created (it starts at " + timeline.ancestorLsn() + " of its ancestor timeline "
        + timeline.ancestorTimelineId() + "); the last commit by then is at " + Lsn.format(found.lsn()) + " on timeline " + found.timelineId()
        + ": branch from that timeline instead");
  }
}
