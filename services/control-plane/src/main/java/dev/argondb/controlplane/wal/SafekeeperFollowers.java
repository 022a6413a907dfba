package dev.argondb.controlplane.wal;

import dev.argondb.bus.BusAddresses;
import dev.argondb.bus.FollowCompute;
import dev.argondb.bus.GetTimelineState;
import dev.argondb.bus.StopFollowing;
import dev.argondb.bus.TimelineState;
import dev.argondb.controlplane.ControlPlaneError;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the safekeepers which compute each timeline streams from, and re-tells them: a safekeeper
 * that restarts (or missed the message) gets every current {@link FollowCompute} again when it
 * announces itself and on a timer. The replication secrets live only here, in memory, and in the
 * messages; a restarted control plane re-creates them at the computes' next start.
 * Use from one event loop (the endpoint lifecycle verticle's).
 */
public final class SafekeeperFollowers {
  private static final Logger LOG = LoggerFactory.getLogger(SafekeeperFollowers.class);
  private static final long POLL_MILLIS = 50;

  private final Vertx vertx;
  private final SafekeeperSet safekeepers;
  private final long timeoutMillis;
  private final Map<String, FollowCompute> followedByEndpoint = new HashMap<>();

  public SafekeeperFollowers(Vertx vertx, SafekeeperSet safekeepers, long timeoutMillis) {
    this.vertx = vertx;
    this.safekeepers = safekeepers;
    this.timeoutMillis = timeoutMillis;
  }

  /** Completes when a quorum of safekeepers follow the compute. */
  public Future<Void> follow(String endpointId, FollowCompute follow) {
    followedByEndpoint.put(endpointId, follow);
    return safekeepers.askAll(vertx.eventBus(), BusAddresses::safekeeperFollow, follow, TimelineState.class,
            timeoutMillis)
        .compose(states -> {
          long following = states.stream().filter(s -> s.term() == follow.term()).count();
          if (following < safekeepers.quorum()) {
            return Future.failedFuture(ControlPlaneError.unavailable("only " + following + " safekeepers follow the "
                + "compute of timeline " + follow.timelineId() + "; " + safekeepers.quorum() + " are needed"));
          }
          return Future.succeededFuture();
        });
  }

  /** Sends every current follow again; answers are not awaited. */
  public void resendAll() {
    for (FollowCompute follow : followedByEndpoint.values()) {
      safekeepers.askAll(vertx.eventBus(), BusAddresses::safekeeperFollow, follow, TimelineState.class, timeoutMillis);
    }
  }

  /**
   * After the compute stopped with its WAL ending at {@code endLsn}: waits (bounded) until a quorum
   * of safekeepers flushed that far, then lets them stop following it.
   */
  public Future<Void> stop(String endpointId, long endLsn, long waitMillis) {
    FollowCompute follow = followedByEndpoint.remove(endpointId);
    if (follow == null) {
      return Future.succeededFuture();
    }
    Future<Void> durable = endLsn == 0 ? Future.succeededFuture()
        : awaitQuorumFlush(follow, endLsn, System.currentTimeMillis() + waitMillis);
    return durable.eventually(() -> safekeepers.askAll(vertx.eventBus(), BusAddresses::safekeeperStopFollowing,
        new StopFollowing(follow.tenantId(), follow.timelineId(), follow.term()), TimelineState.class, timeoutMillis));
  }

  private Future<Void> awaitQuorumFlush(FollowCompute follow, long endLsn, long deadline) {
    return safekeepers.askAll(vertx.eventBus(), BusAddresses::safekeeperTimelineState,
            new GetTimelineState(follow.tenantId(), follow.timelineId()), TimelineState.class, timeoutMillis)
        .compose(states -> {
          long flushed = states.stream().filter(s -> s.flushLsn() >= endLsn).count();
          if (flushed >= safekeepers.quorum()) {
            return Future.succeededFuture();
          }
          if (System.currentTimeMillis() > deadline) {
            LOG.warn("Timeline {}: only {} safekeepers hold the stopped compute's WAL up to {}", follow.timelineId(),
                flushed, dev.argondb.pgformat.Lsn.format(endLsn));
            return Future.succeededFuture();
          }
          Promise<Void> later = Promise.promise();
          vertx.setTimer(POLL_MILLIS, id -> awaitQuorumFlush(follow, endLsn, deadline).onComplete(later));
          return later.future();
        });
  }

  public List<String> safekeeperIds() {
    return safekeepers.ids();
  }
}
