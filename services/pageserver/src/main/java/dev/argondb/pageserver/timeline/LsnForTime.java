package dev.argondb.pageserver.timeline;

import dev.argondb.bus.PageserverLsnAtTime;
import dev.argondb.pageserver.PageserverException;
import dev.argondb.pageserver.index.CommitEntry;
import dev.argondb.pgformat.Lsn;
import dev.argondb.pgformat.PgTimestamp;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;

/**
 * The LSN of a point in time: the end of the last commit at or before it, in the timeline's own WAL, else
 * in its ancestor's up to the branch point, and so on. That end is a record boundary, so a branch can start
 * there and sees exactly the transactions committed by then. Blocking.
 */
public final class LsnForTime {
  private LsnForTime() {}

  public static PageserverLsnAtTime find(Timeline timeline, long epochMicros) throws IOException {
    long pgMicros = epochMicros - PgTimestamp.POSTGRES_EPOCH_UNIX_MICROS;
    long limit = timeline.lastRecordLsn();
    for (Timeline t = timeline; t != null; t = t.ancestor()) {
      Optional<CommitEntry> commit = t.index().commits().lastCommitAtOrBefore(pgMicros, limit);
      if (commit.isPresent()) {
        return new PageserverLsnAtTime(timeline.tenantId(), t.timelineId(), commit.get().endLsn(),
            commit.get().xactTime() + PgTimestamp.POSTGRES_EPOCH_UNIX_MICROS);
      }
      limit = t.startLsn();
    }
    throw PageserverException.notFound("no commit at or before " + Instant.EPOCH.plusNanos(epochMicros * 1000)
        + " on timeline " + timeline.tenantId() + "/" + timeline.timelineId() + " (ingested up to "
        + Lsn.format(timeline.lastRecordLsn()) + ")");
  }
}
