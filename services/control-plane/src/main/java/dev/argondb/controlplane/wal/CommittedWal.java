package dev.argondb.controlplane.wal;

import dev.argondb.bus.BusAddresses;
import dev.argondb.bus.GetTimelineState;
import dev.argondb.bus.TimelineState;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;

/**
 * How far a timeline's WAL is committed: the highest commit LSN any answering safekeeper knows (0 for a
 * timeline no compute has written yet). A branch "at the current end" waits for the pageserver to ingest up
 * to it, so it contains every COMMIT acknowledged before it was asked for.
 */
public final class CommittedWal {
  /** Short: a safekeeper that does not answer at once is down, and the others know the commit LSN too. */
  private static final long TIMEOUT_MILLIS = 2_000;

  private final EventBus bus;
  private final SafekeeperSet safekeepers;

  public CommittedWal(EventBus bus, SafekeeperSet safekeepers) {
    this.bus = bus;
    this.safekeepers = safekeepers;
  }

  public Future<Long> commitLsn(String tenantId, String timelineId) {
    return safekeepers.askAll(bus, BusAddresses::safekeeperTimelineState, new GetTimelineState(tenantId, timelineId),
            TimelineState.class, TIMEOUT_MILLIS)
        .map(states -> states.stream().filter(TimelineState::exists).mapToLong(TimelineState::commitLsn).max()
            .orElse(0));
  }
}
