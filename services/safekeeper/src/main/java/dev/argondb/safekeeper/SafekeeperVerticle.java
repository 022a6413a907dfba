package dev.argondb.safekeeper;

import dev.argondb.bus.BusAddresses;
import dev.argondb.bus.BusErrors;
import dev.argondb.bus.FollowCompute;
import dev.argondb.bus.GetTimelineState;
import dev.argondb.bus.PageserverRemoteConsistent;
import dev.argondb.bus.PrepareTerm;
import dev.argondb.bus.SafekeeperFlushed;
import dev.argondb.bus.SafekeeperRef;
import dev.argondb.bus.SafekeeperStarted;
import dev.argondb.bus.StopFollowing;
import dev.argondb.bus.TimelineState;
import dev.argondb.safekeeper.timeline.TimelineKey;
import dev.argondb.safekeeper.timeline.TimelineOperations;
import dev.argondb.safekeeper.timeline.TimelineRegistry;
import dev.argondb.safekeeper.timeline.WalRetention;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The safekeeper's bus face: answers the control plane's questions about timelines, accepts terms,
 * follows computes, and learns its peers' flush positions. All timeline state changes happen on
 * this verticle's event loop (through {@link TimelineOperations}).
 */
public final class SafekeeperVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(SafekeeperVerticle.class);
  /** How often every flush position is announced again, for peers that missed the changes. */
  private static final long FLUSH_ANNOUNCE_MILLIS = 1_000;

  private final SafekeeperConfig config;
  private final TimelineRegistry registry;
  private final SafekeeperMetrics metrics;
  private final SafekeeperRef self;
  private TimelineOperations operations;
  private WalRetention retention;

  public SafekeeperVerticle(SafekeeperConfig config, TimelineRegistry registry, SafekeeperMetrics metrics,
                            SafekeeperRef self) {
    this.config = config;
    this.registry = registry;
    this.metrics = metrics;
    this.self = self;
  }

  @Override
  public Future<?> start() {
    operations = new TimelineOperations(vertx, config, registry, metrics);
    retention = new WalRetention(config, registry);
    EventBus bus = vertx.eventBus();
    String id = config.id();
    io.vertx.core.Context context = vertx.getOrCreateContext();
    return vertx.executeBlocking(() -> registry.loadAll(context, metrics), false)
        .compose(loaded -> {
          LOG.info("Safekeeper {} holds {} timeline(s) in {}", id, loaded, config.dataDir());
          return Future.all(
              bus.<GetTimelineState>consumer(BusAddresses.safekeeperTimelineState(id), this::onState).completion(),
              bus.<PrepareTerm>consumer(BusAddresses.safekeeperPrepareTerm(id),
                  m -> answer(m, operations::prepare)).completion(),
              bus.<FollowCompute>consumer(BusAddresses.safekeeperFollow(id),
                  m -> answer(m, operations::follow)).completion(),
              bus.<StopFollowing>consumer(BusAddresses.safekeeperStopFollowing(id),
                  m -> answer(m, operations::stopFollowing)).completion(),
              bus.<SafekeeperFlushed>consumer(BusAddresses.SAFEKEEPER_FLUSHED,
                  m -> operations.peerFlushed(m.body())).completion(),
              bus.<PageserverRemoteConsistent>consumer(BusAddresses.PAGESERVER_REMOTE_CONSISTENT,
                  m -> retention.remoteConsistent(m.body())).completion());
        })
        .onSuccess(ready -> {
          bus.publish(BusAddresses.SAFEKEEPER_STARTED, new SafekeeperStarted(self));
          vertx.setPeriodic(FLUSH_ANNOUNCE_MILLIS, timer -> operations.gossipAll());
        });
  }

  @Override
  public Future<?> stop() {
    return operations.stopAll();
  }

  private void onState(Message<GetTimelineState> message) {
    GetTimelineState request = message.body();
    message.reply(operations.state(new TimelineKey(request.tenantId(), request.timelineId())));
  }

  private <T> void answer(Message<T> message, Function<T, Future<TimelineState>> operation) {
    operation.apply(message.body()).onComplete(result -> {
      if (result.succeeded()) {
        message.reply(result.result());
      } else {
        Throwable failure = result.cause();
        int code = failure instanceof ReplyException reply ? reply.failureCode() : BusErrors.INTERNAL;
        LOG.warn("Safekeeper {}: {} refused: {}", config.id(), message.body(), failure.getMessage());
        message.fail(code, failure.getMessage());
      }
    });
  }
}
