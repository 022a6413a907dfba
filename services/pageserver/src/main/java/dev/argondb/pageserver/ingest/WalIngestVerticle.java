package dev.argondb.pageserver.ingest;

import dev.argondb.bus.grpc.BulkGrpc;
import dev.argondb.bus.BusAddresses;
import dev.argondb.bus.PageserverFollowTimeline;
import dev.argondb.pageserver.PageserverConfig;
import dev.argondb.pageserver.PageserverMetrics;
import dev.argondb.pageserver.timeline.Timeline;
import dev.argondb.pageserver.timeline.Timelines;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.grpc.client.GrpcClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps the pageserver's timelines up to date with their safekeepers: one {@link TimelineIngest} per
 * followed timeline, resumed at start from each timeline's saved safekeeper list; answers
 * {@link PageserverFollowTimeline}; fsyncs ingested WAL every {@code ingestSyncMillis}; stops one timeline's
 * ingest for good when asked on {@link #STOP_INGEST} (a deletion).
 */
public final class WalIngestVerticle extends VerticleBase {
  /**
   * Local to this pageserver, body {@code "<tenant>/<timeline>"}: stop following that timeline, and reply
   * once no chunk of it is being written any more.
   */
  public static final String STOP_INGEST = "argon.pageserver.local.ingest.stop";

  private final PageserverConfig config;
  private final Timelines timelines;
  private final PageserverMetrics metrics;
  private final Map<String, TimelineIngest> ingests = new HashMap<>();
  private GrpcClient grpc;
  private long syncTimer;

  public WalIngestVerticle(PageserverConfig config, Timelines timelines, PageserverMetrics metrics) {
    this.config = config;
    this.timelines = timelines;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    grpc = BulkGrpc.client(vertx);
    for (Timeline timeline : timelines.all()) {
      if (!timeline.following().isEmpty()) {
        ingest(timeline).start();
      }
    }
    syncTimer = vertx.setPeriodic(config.ingestSyncMillis(), id -> ingests.values().forEach(TimelineIngest::sync));
    return Future.all(
        vertx.eventBus().<PageserverFollowTimeline>consumer(BusAddresses.PAGESERVER_FOLLOW_TIMELINE, this::onFollow)
            .completion(),
        vertx.eventBus().<String>localConsumer(STOP_INGEST, this::onStop).completion());
  }

  private void onStop(Message<String> message) {
    TimelineIngest ingest = ingests.remove(message.body());
    if (ingest == null) {
      message.reply(null);
      return;
    }
    // stop() syncs on this context's ordered worker queue, so it completes after any chunk still being written.
    ingest.stop().onComplete(stopped -> message.reply(null));
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(syncTimer);
    List<Future<Void>> stops = new ArrayList<>();
    ingests.values().forEach(ingest -> stops.add(ingest.stop()));
    return Future.join(stops).eventually(() -> grpc.close());
  }

  private TimelineIngest ingest(Timeline timeline) {
    return ingests.computeIfAbsent(key(timeline), k -> new TimelineIngest(vertx, timeline, grpc, metrics,
        config.reconnectMillis(), timeline.following()));
  }

  private void onFollow(Message<PageserverFollowTimeline> message) {
    PageserverFollowTimeline request = message.body();
    Timeline timeline;
    try {
      timeline = timelines.get(request.tenantId(), request.timelineId());
    } catch (dev.argondb.pageserver.PageserverException e) {
      message.fail(e.code(), e.getMessage());
      return;
    }
    List<dev.argondb.bus.SafekeeperRef> list = request.safekeepers() == null ? List.of() : request.safekeepers();
    vertx.executeBlocking(() -> {
      timeline.setFollowing(list);
      return null;
    }).onComplete(saved -> {
      if (saved.failed()) {
        message.fail(dev.argondb.bus.BusErrors.INTERNAL, saved.cause().getMessage());
        return;
      }
      ingest(timeline).follow(list);
      message.reply(timeline.info());
    });
  }

  public static String key(Timeline timeline) {
    return timeline.tenantId() + "/" + timeline.timelineId();
  }
}
