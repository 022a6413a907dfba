package dev.argondb.pageserver.gc;

import dev.argondb.bus.BusAddresses;
import dev.argondb.bus.PageserverGcResult;
import dev.argondb.bus.PageserverRunGc;
import dev.argondb.pageserver.BusReplies;
import dev.argondb.pageserver.image.Image;
import dev.argondb.pageserver.remote.LayerCache;
import dev.argondb.pageserver.remote.RemoteUploadVerticle;
import dev.argondb.pageserver.timeline.Timeline;
import dev.argondb.pageserver.timeline.Timelines;
import dev.argondb.pgformat.WalSegments;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GC. Every {@code gcPeriodMillis} (and on {@link PageserverRunGc}) one pass over the timelines, one at a time:
 * plan and delete locally ({@link TimelineGc}); with remote storage that runs between two upload passes of the
 * timeline ({@link RemoteUploadVerticle#exclusive}) and is followed by the same deletions in remote storage
 * ({@link RemoteGc}: the new index first, then the objects). Images a reader has pinned in the layer cache stay.
 */
public final class GcVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(GcVerticle.class);
  public static final long DEFAULT_GC_PERIOD_MILLIS = 3_600_000;
  static final long LAG_REFRESH_MILLIS = 10_000;

  private final Timelines timelines;
  private final TenantSettings settings;
  private final GcLeases leases;
  private final RemoteUploadVerticle uploads;
  /** Null without one: then no image is ever pinned. */
  private final LayerCache cache;
  private final GcMetrics metrics;
  /** Null without remote storage (made at start: it needs the verticle's Vert.x). */
  private RemoteGc remote;
  private final long periodMillis;
  /** Passes run one after the other. */
  private Future<PageserverGcResult> last = Future.succeededFuture();

  /**
   * @param uploads null without remote storage
   * @param cache   null without a layer cache (then no image is ever pinned)
   */
  public GcVerticle(Timelines timelines, TenantSettings settings, GcLeases leases, RemoteUploadVerticle uploads,
                    LayerCache cache, GcMetrics metrics, long periodMillis) {
    this.cache = cache;
    this.timelines = timelines;
    this.settings = settings;
    this.leases = leases;
    this.uploads = uploads;
    this.metrics = metrics;
    this.periodMillis = periodMillis;
  }

  @Override
  public Future<?> start() {
    remote = uploads == null ? null : new RemoteGc(vertx, uploads.storage(), timelines, metrics);
    vertx.setPeriodic(periodMillis, id -> {
      if (last.isComplete()) { // a pass longer than the period is not followed by a queue of them
        run(null);
      }
    });
    trackLags();
    vertx.setPeriodic(LAG_REFRESH_MILLIS, id -> trackLags()); // new timelines get their cutoff lag meter
    return vertx.eventBus().<PageserverRunGc>consumer(BusAddresses.PAGESERVER_RUN_GC,
        m -> BusReplies.reply(m, run(m.body().tenantId()))).completion();
  }

  /** One GC pass over a tenant's timelines (null: all), after the pass before it. */
  /** The GC leases this pageserver honours (taken over the bus with check-LSN and LSN-for-time requests). */
  public GcLeases leases() {
    return leases;
  }

  public Future<PageserverGcResult> run(String tenantId) {
    Future<PageserverGcResult> next = last.transform(previous -> runNow(tenantId));
    last = next;
    return next;
  }

  private Future<PageserverGcResult> runNow(String tenantId) {
    metrics.ran();
    GcTally tally = new GcTally();
    Future<Void> chain = Future.succeededFuture();
    List<Timeline> chosen = timelines.all().stream()
        .filter(t -> tenantId == null || t.tenantId().equals(tenantId)).toList();
    trackLags();
    for (Timeline timeline : chosen) {
      chain = chain.compose(v -> collect(timeline, tally).recover(failure -> {
        LOG.warn("GC of {}/{} failed: {}", timeline.tenantId(), timeline.timelineId(), failure.toString());
        return Future.succeededFuture();
      }));
    }
    if (remote != null) {
      chain = chain.compose(v -> remote.collectDeletedTimelines(tenantId, tally).recover(failure -> {
        LOG.warn("GC of deleted timelines' remote objects failed: {}", failure.toString());
        return Future.succeededFuture();
      }));
    }
    return chain.map(done -> tally.result(chosen.size()));
  }

  private Future<Void> collect(Timeline timeline, GcTally tally) {
    if (uploads == null) {
      return vertx.executeBlocking(() -> {
        TimelineGc.Prepared prepared = TimelineGc.prepare(timelines, timeline, settings, leases, -1, null, Set.of());
        tally.local(TimelineGc.deleteLocal(prepared, this::pinned), metrics);
        return null;
      }, false);
    }
    return uploads.exclusive(timeline, index -> vertx.executeBlocking(() -> {
      Set<Long> uploadedImages = new HashSet<>();
      index.images().forEach(layer -> uploadedImages.add(layer.endLsn()));
      Set<Long> remoteSegments = new HashSet<>();
      index.wal().forEach(layer -> remoteSegments.add(WalSegments.segmentNumber(layer.startLsn())));
      TimelineGc.Prepared prepared = TimelineGc.prepare(timelines, timeline, settings, leases,
          index.remoteConsistentLsn(), uploadedImages, remoteSegments);
      TimelineGc.Freed freed = TimelineGc.deleteLocal(prepared, this::pinned);
      tally.local(freed, metrics);
      return new Object[] {prepared, freed};
    }, false).compose(done -> remote.collectRemote(timeline, index, (TimelineGc.Prepared) done[0],
        (TimelineGc.Freed) done[1], tally))).mapEmpty();
  }

  private boolean pinned(Image image) {
    return cache != null && cache.isPinned(image);
  }

  private void trackLags() {
    Set<String> present = new HashSet<>();
    for (Timeline timeline : timelines.all()) {
      present.add(timeline.tenantId() + "/" + timeline.timelineId());
      metrics.trackCutoffLag(timeline.tenantId(), timeline.timelineId(), () -> {
        long cutoff = timeline.gcState().cutoffLsn();
        return cutoff == 0 ? 0 : Math.max(0, timeline.lastRecordLsn() - cutoff);
      });
    }
    new ArrayList<>(metrics.trackedLags()).stream().filter(k -> !present.contains(k))
        .forEach(metrics::untrackCutoffLag);
  }
}
