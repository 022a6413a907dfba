package dev.argondb.controlplane.wal;

import dev.argondb.bus.BusAddresses;
import dev.argondb.bus.GetTimelineState;
import dev.argondb.bus.TimelineState;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * How far a timeline's WAL is committed (0 for a timeline no compute has written yet). A branch "at the current
 * end" waits for the pageserver to ingest up to it, so it contains every COMMIT acknowledged before it was asked
 * for. A safekeeper learns the commit LSN from its peers' flush positions, a few milliseconds after the COMMIT
 * returned to the client, so their commit LSNs alone can miss a COMMIT that has just returned; the WAL a quorum
 * of the answers has fsynced (record boundaries) includes it whenever every safekeeper answers, and whenever the
 * answering quorum holds it.
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
        .map(states -> committed(states.stream().filter(TimelineState::exists).toList(), safekeepers.quorum()));
  }

  /** The highest commit LSN any answer knows, or the end of the WAL {@code quorum} of the answers hold if higher. */
  static long committed(List<TimelineState> answers, int quorum) {
    long known = answers.stream().mapToLong(TimelineState::commitLsn).max().orElse(0);
    if (answers.size() < quorum || quorum < 1) {
      return known;
    }
    List<Long> flushed = answers.stream().map(TimelineState::flushLsn)
        .sorted(Comparator.comparing(Function.identity(), Long::compareUnsigned).reversed()).toList();
    long heldByQuorum = flushed.get(quorum - 1);
    return Long.compareUnsigned(heldByQuorum, known) > 0 ? heldByQuorum : known;
  }
}
