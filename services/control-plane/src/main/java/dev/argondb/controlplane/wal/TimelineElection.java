package dev.argondb.controlplane.wal;

import dev.argondb.bus.BusAddresses;
import dev.argondb.bus.GetTimelineState;
import dev.argondb.bus.PrepareTerm;
import dev.argondb.bus.SafekeeperRef;
import dev.argondb.bus.TermStart;
import dev.argondb.bus.TimelineState;
import dev.argondb.controlplane.ControlPlaneError;
import dev.argondb.controlplane.db.TermStore;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses where a timeline's WAL ends before a compute starts on it, under a new term: asks every
 * safekeeper what it holds, needs answers from a quorum, takes the most advanced one (by last term,
 * then flush LSN) as donor and its flush LSN as the end, then has the safekeepers accept the term,
 * cut WAL that diverges from the donor's history and copy what they lack from the donor. A quorum
 * holds every acknowledged COMMIT, so the most advanced of any quorum holds them all.
 */
public final class TimelineElection {
  private static final Logger LOG = LoggerFactory.getLogger(TimelineElection.class);

  /**
   * The outcome: the compute starts at {@code endLsn} (0: the timeline has no WAL yet) under
   * {@code term}; {@code history} ends with ({@code term}, {@code endLsn}) unless the timeline is new.
   */
  public record Election(long term, List<TermStart> history, long endLsn, SafekeeperRef donor) {}

  private final EventBus bus;
  private final SafekeeperSet safekeepers;
  private final TermStore terms;
  private final long timeoutMillis;

  public TimelineElection(EventBus bus, SafekeeperSet safekeepers, TermStore terms, long timeoutMillis) {
    this.bus = bus;
    this.safekeepers = safekeepers;
    this.terms = terms;
    this.timeoutMillis = timeoutMillis;
  }

  public int quorum() {
    return safekeepers.quorum();
  }

  public Future<Election> elect(String tenantId, String timelineId) {
    return terms.get(timelineId).compose(stored -> safekeepers.askAll(bus, BusAddresses::safekeeperTimelineState,
            new GetTimelineState(tenantId, timelineId), TimelineState.class, timeoutMillis)
        .compose(states -> {
          requireQuorum(states.size(), "answered");
          long highestTerm = states.stream().mapToLong(TimelineState::term).max().orElse(0);
          return terms.nextTerm(timelineId, Math.max(highestTerm, stored.term()))
              .compose(term -> choose(tenantId, timelineId, term, stored, states));
        }));
  }

  private Future<Election> choose(String tenantId, String timelineId, long term, TermStore.TimelineTerms stored,
                                  List<TimelineState> states) {
    List<TimelineState> holding = states.stream().filter(s -> s.exists() && s.flushLsn() > 0).toList();
    if (holding.isEmpty()) {
      if (stored.startLsn() > 0) {
        return Future.failedFuture(ControlPlaneError.unavailable("no answering safekeeper holds WAL of timeline "
            + timelineId + ", which has WAL since its first start: refusing to start it empty"));
      }
      LOG.info("Timeline {} has no WAL on the safekeepers yet: term {} creates it there", timelineId, term);
      return Future.succeededFuture(new Election(term, List.of(), 0, null));
    }
    TimelineState donor = holding.stream()
        .max(Comparator.comparingLong(TimelineElection::lastTerm).thenComparingLong(TimelineState::flushLsn))
        .orElseThrow();
    long endLsn = donor.flushLsn();
    List<TermStart> history = new ArrayList<>(donor.termHistory());
    history.add(new TermStart(term, endLsn));
    SafekeeperRef donorRef = safekeepers.byId(donor.safekeeperId());
    long startLsn = donor.startLsn();
    PrepareTerm prepare = new PrepareTerm(tenantId, timelineId, term, history, endLsn, startLsn, donorRef);
    return safekeepers.askAll(bus, BusAddresses::safekeeperPrepareTerm, prepare, TimelineState.class, timeoutMillis)
        .compose(prepared -> {
          long ready = prepared.stream().filter(s -> s.term() == term && s.flushLsn() == endLsn).count();
          requireQuorum((int) ready, "accepted term " + term + " with WAL up to the chosen end");
          LOG.info("Timeline {}: term {} starts at {} (donor {}, {} of {} safekeepers ready)", timelineId, term,
              dev.argondb.pgformat.Lsn.format(endLsn), donor.safekeeperId(), ready, safekeepers.ids().size());
          return terms.recordHistory(timelineId, history, startLsn)
              .map(recorded -> new Election(term, history, endLsn, donorRef));
        });
  }

  /**
   * After the first compute of a new timeline started from initdb: its WAL starts at {@code startLsn},
   * and a quorum of safekeepers must create the timeline there before they follow the compute.
   */
  public Future<List<TermStart>> createTimeline(String tenantId, String timelineId, long term, long startLsn) {
    List<TermStart> history = List.of(new TermStart(term, startLsn));
    PrepareTerm prepare = new PrepareTerm(tenantId, timelineId, term, history, startLsn, startLsn, null);
    return safekeepers.askAll(bus, BusAddresses::safekeeperPrepareTerm, prepare, TimelineState.class, timeoutMillis)
        .compose(prepared -> {
          requireQuorum((int) prepared.stream().filter(s -> s.term() == term).count(), "created timeline " + timelineId);
          return terms.recordHistory(timelineId, history, startLsn).map(history);
        });
  }

  private void requireQuorum(int count, String what) {
    if (count < safekeepers.quorum()) {
      throw ControlPlaneError.unavailable("only " + count + " of " + safekeepers.ids().size() + " safekeepers "
          + what + "; " + safekeepers.quorum() + " are needed");
    }
  }

  private static long lastTerm(TimelineState state) {
    List<TermStart> history = state.termHistory();
    return history.isEmpty() ? 0 : history.get(history.size() - 1).term();
  }
}
