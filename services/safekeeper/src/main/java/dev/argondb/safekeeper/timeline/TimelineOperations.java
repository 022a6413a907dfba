package dev.argondb.safekeeper.timeline;

import dev.argondb.bus.grpc.BulkGrpc;
import dev.argondb.bus.BusAddresses;
import dev.argondb.bus.BusErrors;
import dev.argondb.bus.FollowCompute;
import dev.argondb.bus.PrepareTerm;
import dev.argondb.bus.SafekeeperFlushed;
import dev.argondb.bus.StopFollowing;
import dev.argondb.bus.TimelineState;
import dev.argondb.pgformat.Lsn;
import dev.argondb.safekeeper.SafekeeperConfig;
import dev.argondb.safekeeper.SafekeeperMetrics;
import dev.argondb.safekeeper.wal.TimelineControl;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.grpc.client.GrpcClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the control plane asks of a safekeeper, per timeline and one at a time: accept a term (and
 * with it cut diverging WAL and copy missing WAL from a peer), follow a compute, stop following.
 * Accepting a higher term first stops any receiver of an older term: that is the fence that keeps a
 * stale compute from getting commit acknowledgements.
 */
public final class TimelineOperations {
  private static final Logger LOG = LoggerFactory.getLogger(TimelineOperations.class);
  /** Gossip of flush positions is batched: at most one message per timeline per this interval. */
  private static final long GOSSIP_INTERVAL_MILLIS = 5;

  private final Vertx vertx;
  private final SafekeeperConfig config;
  private final TimelineRegistry registry;
  private final SafekeeperMetrics metrics;
  private final GrpcClient grpc;
  private final Map<TimelineKey, Future<?>> operationTail = new HashMap<>();
  private final Map<TimelineKey, Boolean> gossipPending = new HashMap<>();

  public TimelineOperations(Vertx vertx, SafekeeperConfig config, TimelineRegistry registry, SafekeeperMetrics metrics) {
    this.vertx = vertx;
    this.config = config;
    this.registry = registry;
    this.metrics = metrics;
    this.grpc = BulkGrpc.client(vertx);
  }

  public TimelineState state(TimelineKey key) {
    SafekeeperTimeline timeline = registry.get(key);
    return timeline == null ? SafekeeperTimeline.missing(config.id(), key) : timeline.state(config.id());
  }

  public Future<TimelineState> prepare(PrepareTerm request) {
    TimelineKey key = new TimelineKey(request.tenantId(), request.timelineId());
    return serialized(key, () -> doPrepare(key, request));
  }

  public Future<TimelineState> follow(FollowCompute request) {
    TimelineKey key = new TimelineKey(request.tenantId(), request.timelineId());
    return serialized(key, () -> doFollow(key, request));
  }

  public Future<TimelineState> stopFollowing(StopFollowing request) {
    TimelineKey key = new TimelineKey(request.tenantId(), request.timelineId());
    return serialized(key, () -> {
      SafekeeperTimeline timeline = registry.get(key);
      if (timeline == null) {
        return Future.succeededFuture(SafekeeperTimeline.missing(config.id(), key));
      }
      if (timeline.following != null && timeline.following.term() <= request.term()) {
        stopReceiver(timeline);
      }
      return persist(timeline);
    });
  }

  public void peerFlushed(SafekeeperFlushed flushed) {
    SafekeeperTimeline timeline = registry.get(new TimelineKey(flushed.tenantId(), flushed.timelineId()));
    if (timeline == null) {
      return;
    }
    timeline.commits.reported(flushed.safekeeperId(), flushed.term(), flushed.flushLsn());
    long commit = timeline.commits.commitLsn(timeline.term);
    if (commit > timeline.commitLsn) {
      timeline.commitLsn = commit;
    }
  }

  public Future<Void> stopAll() {
    List<Future<?>> persisted = new ArrayList<>();
    for (SafekeeperTimeline timeline : registry.all()) {
      stopReceiver(timeline);
      persisted.add(timeline.writer.whenIdle().compose(idle -> persist(timeline)));
    }
    return Future.join(persisted).mapEmpty();
  }

  private Future<TimelineState> doPrepare(TimelineKey key, PrepareTerm request) {
    io.vertx.core.Context context = vertx.getOrCreateContext();
    SafekeeperTimeline existing = registry.get(key);
    Future<SafekeeperTimeline> timelineFuture = existing != null ? Future.succeededFuture(existing)
        : vertx.executeBlocking(() -> registry.create(context, metrics, key,
            new TimelineControl(0, List.of(), request.startLsn(), 0, null, request.startLsn())), false);
    return timelineFuture.compose(timeline -> {
      if (request.term() < timeline.term) {
        return Future.failedFuture(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, BusErrors.CONFLICT,
            "term " + request.term() + " is older than term " + timeline.term + " this safekeeper accepted"));
      }
      if (request.term() > timeline.term) {
        timeline.term = request.term();
        if (timeline.following != null && timeline.following.term() < request.term()) {
          LOG.info("{} {}: term {} accepted: no longer streaming from the compute of term {}", config.id(), key,
              request.term(), timeline.following.term());
          stopReceiver(timeline);
        }
      }
      long keepUntil = Math.min(request.endLsn(), TermHistories.agreementEnd(timeline.history, request.termHistory()));
      return persist(timeline)
          .compose(accepted -> cutAfter(timeline, keepUntil))
          .compose(cut -> fetchUpTo(timeline, request))
          .compose(fetched -> {
            timeline.history = List.copyOf(request.termHistory());
            return persist(timeline);
          });
    });
  }

  private Future<Void> cutAfter(SafekeeperTimeline timeline, long keepUntil) {
    if (timeline.recordFlushLsn <= keepUntil) {
      return Future.succeededFuture();
    }
    LOG.warn("{} {}: cutting WAL {}..{} that the new term's history does not continue", config.id(), timeline.key,
        Lsn.format(keepUntil), Lsn.format(timeline.recordFlushLsn));
    return timeline.writer.whenIdle()
        .compose(idle -> timeline.writer.truncateAfter(keepUntil))
        .onSuccess(truncated -> timeline.recordFlushLsn = keepUntil);
  }

  private Future<Void> fetchUpTo(SafekeeperTimeline timeline, PrepareTerm request) {
    long from = timeline.recordFlushLsn;
    if (from >= request.endLsn()) {
      return Future.succeededFuture();
    }
    if (request.donor() == null || request.donor().id().equals(config.id())) {
      return Future.failedFuture(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, BusErrors.CONFLICT,
          "WAL ends at " + Lsn.format(from) + ", before " + Lsn.format(request.endLsn()) + ", and no peer to copy from"));
    }
    return PeerWalCopy.copy(grpc, request.donor(), timeline, from, request.endLsn())
        .onSuccess(end -> timeline.recordFlushLsn = end)
        .mapEmpty();
  }

  private Future<TimelineState> doFollow(TimelineKey key, FollowCompute request) {
    SafekeeperTimeline timeline = registry.get(key);
    if (timeline != null && request.term() < timeline.term) {
      return Future.failedFuture(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, BusErrors.CONFLICT,
          "compute of term " + request.term() + " is stale: term " + timeline.term + " was accepted"));
    }
    boolean missedPrepare = timeline == null || request.term() > timeline.term
        || !timeline.history.equals(request.termHistory());
    Future<TimelineState> prepared = !missedPrepare ? Future.succeededFuture()
        : doPrepare(key, new PrepareTerm(request.tenantId(), request.timelineId(), request.term(),
            request.termHistory(), request.startLsn(), request.termHistory().get(0).lsn(), request.donor()));
    return prepared.compose(ready -> {
      SafekeeperTimeline current = registry.get(key);
      FollowCompute following = current.following;
      boolean same = following != null && following.term() == request.term()
          && following.host().equals(request.host()) && following.port() == request.port();
      if (!same) {
        stopReceiver(current);
        current.following = request;
        current.receiver = new WalReceiver(vertx, config.id(), current, request, metrics, flush -> gossip(current));
        current.receiver.start();
      }
      return Future.succeededFuture(current.state(config.id()));
    });
  }

  private void stopReceiver(SafekeeperTimeline timeline) {
    if (timeline.receiver != null) {
      timeline.receiver.stop();
      timeline.receiver = null;
    }
    timeline.following = null;
  }

  /** Tells every safekeeper (this one too) how far this one has fsynced; batched per interval. */
  /**
   * Tells every safekeeper again how far each of this one's timelines is fsynced: flush changes are
   * announced as they happen, but a safekeeper that just (re)started missed them and would otherwise
   * learn the commit LSN only at the next write.
   */
  public void gossipAll() {
    for (SafekeeperTimeline timeline : registry.all()) {
      if (timeline.recordFlushLsn > 0) {
        gossip(timeline);
      }
    }
  }

  private void gossip(SafekeeperTimeline timeline) {
    if (gossipPending.put(timeline.key, Boolean.TRUE) != null) {
      return;
    }
    vertx.setTimer(GOSSIP_INTERVAL_MILLIS, id -> {
      gossipPending.remove(timeline.key);
      vertx.eventBus().publish(BusAddresses.SAFEKEEPER_FLUSHED, new SafekeeperFlushed(config.id(),
          timeline.key.tenantId(), timeline.key.timelineId(), timeline.term, timeline.recordFlushLsn));
    });
  }

  private Future<TimelineState> persist(SafekeeperTimeline timeline) {
    // Ordered: a later snapshot of the control file never loses to an earlier one.
    return vertx.executeBlocking(() -> {
      registry.persist(timeline);
      return timeline.state(config.id());
    });
  }

  private <T> Future<T> serialized(TimelineKey key, Supplier<Future<T>> operation) {
    Future<?> previous = operationTail.getOrDefault(key, Future.succeededFuture());
    Future<T> next = previous.transform(ignored -> operation.get());
    operationTail.put(key, next);
    next.onComplete(done -> operationTail.remove(key, next));
    return next;
  }
}
