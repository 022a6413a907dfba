package dev.argondb.pageserver.gc;

import dev.argondb.pageserver.index.CommitEntry;
import dev.argondb.pageserver.timeline.Timeline;
import dev.argondb.pgformat.PgTimestamp;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * A timeline's GC cutoff: the end of the last commit in its own WAL at or before now minus the tenant's PITR
 * window (a branch at any time inside the window reads at or above it), never above the remote consistent LSN
 * (remote storage must hold everything a rebuild needs at the cutoff) and never below the previous cutoff. With no
 * commit that old, the previous cutoff (or the timeline's start: nothing to collect). The newest image is never
 * collected whatever the cutoff (it is above it, or the one the cutoff reads from), so a roll forward always keeps
 * its base; with remote storage, {@link TimelineGc} also holds the cutoff back until the image it reads from is
 * uploaded. Blocking.
 */
public final class GcCutoff {
  private GcCutoff() {}

  /**
   * @param remoteConsistentLsn the timeline's remote consistent LSN, or -1 without remote storage
   */
  public static long of(Timeline timeline, Duration pitrInterval, long nowEpochMillis, long remoteConsistentLsn)
      throws IOException {
    long floor = Math.max(timeline.startLsn(), timeline.gcState().cutoffLsn());
    long windowStartPgMicros = (nowEpochMillis - pitrInterval.toMillis()) * 1000
        - PgTimestamp.POSTGRES_EPOCH_UNIX_MICROS;
    long limit = timeline.lastRecordLsn();
    if (remoteConsistentLsn >= 0 && Long.compareUnsigned(remoteConsistentLsn, limit) < 0) {
      limit = remoteConsistentLsn;
    }
    Optional<CommitEntry> last = timeline.index().commits().lastCommitAtOrBefore(windowStartPgMicros, limit);
    if (last.isEmpty() || Long.compareUnsigned(last.get().endLsn(), floor) <= 0) {
      return floor;
    }
    return last.get().endLsn();
  }

  /** The epoch millis at which the window of {@code pitrInterval} starts now. */
  public static long windowStartEpochMillis(Duration pitrInterval) {
    return System.currentTimeMillis() - pitrInterval.toMillis();
  }
}
