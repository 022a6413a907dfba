package dev.argondb.pageserver.gc;

import dev.argondb.bus.BusAddresses;
import dev.argondb.bus.BusErrors;
import dev.argondb.bus.PageserverCreateSnapshot;
import dev.argondb.bus.PageserverDeleteSnapshot;
import dev.argondb.bus.PageserverGcResult;
import dev.argondb.bus.PageserverListSnapshots;
import dev.argondb.bus.PageserverRunGc;
import dev.argondb.bus.PageserverSnapshots;
import dev.argondb.bus.PageserverTenantConfig;
import dev.argondb.pageserver.PageserverException;
import dev.argondb.pageserver.remote.LayerCache;
import dev.argondb.pageserver.remote.RemoteIndex;
import dev.argondb.pageserver.remote.RemoteKeys;
import dev.argondb.pageserver.remote.RemoteLayer;
import dev.argondb.pageserver.remote.RemoteStorage;
import dev.argondb.pageserver.remote.RemoteUploadVerticle;
import dev.argondb.pageserver.timeline.Timeline;
import dev.argondb.pageserver.timeline.Timelines;
import dev.argondb.pgformat.WalSegments;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GC, snapshots and tenant settings on the bus. Every {@code gcPeriodMillis} (and on {@link PageserverRunGc}) one
 * pass over the timelines, one at a time: plan and delete locally ({@link TimelineGc}); with remote storage that
 * runs between two upload passes of the timeline ({@link RemoteUploadVerticle#exclusive}) and then writes the new
 * {@code index.json} first and deletes the objects it no longer names after, so a reader never finds a listed
 * object missing; objects under the timeline's prefix that no index names (left by a pass cut short) go too.
 */
public final class GcVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(GcVerticle.class);
  public static final long DEFAULT_GC_PERIOD_MILLIS = 3_600_000;
  static final long LAG_REFRESH_MILLIS = 10_000;

  private final Timelines timelines;
  private final TenantSettings settings;
  private final Snapshots snapshots;
  private final GcLeases leases;
  private final RemoteUploadVerticle uploads;
  /** Null without one: then no image is ever pinned. */
  private final LayerCache cache;
  private final GcMetrics metrics;
  private final long periodMillis;
  /** Passes run one after the other. */
  private Future<PageserverGcResult> last = Future.succeededFuture();

  public GcVerticle(Timelines timelines, TenantSettings settings, Snapshots snapshots, GcLeases leases,
                    RemoteUploadVerticle uploads, LayerCache cache, GcMetrics metrics, long periodMillis) {
    this.cache = cache;
    this.timelines = timelines;
    this.settings = settings;
    this.snapshots = snapshots;
    this.leases = leases;
    this.uploads = uploads;
    this.metrics = metrics;
    this.periodMillis = periodMillis;
  }

  @Override
  public Future<?> start() {
    EventBus bus = vertx.eventBus();
    vertx.setPeriodic(periodMillis, id -> {
      if (last.isComplete()) { // a pass longer than the period is not followed by a queue of them
        run(null);
      }
    });
    trackLags();
    vertx.setPeriodic(LAG_REFRESH_MILLIS, id -> trackLags()); // new timelines get their cutoff lag meter
    return restoreTenantSettings().compose(restored -> Future.all(
        bus.<PageserverRunGc>consumer(BusAddresses.PAGESERVER_RUN_GC, m -> reply(m, run(m.body().tenantId())))
            .completion(),
        bus.<PageserverTenantConfig>consumer(BusAddresses.PAGESERVER_TENANT_CONFIG, this::configure).completion(),
        bus.<PageserverCreateSnapshot>consumer(BusAddresses.PAGESERVER_SNAPSHOT_CREATE, m -> answer(m, true,
            () -> snapshots.create(m.body().tenantId(), m.body().timelineId(), m.body().name(), m.body().lsn())))
            .completion(),
        bus.<PageserverListSnapshots>consumer(BusAddresses.PAGESERVER_SNAPSHOT_LIST, m -> answer(m, false,
            () -> new PageserverSnapshots(m.body().tenantId(), snapshots.list(m.body().tenantId())))).completion(),
        bus.<PageserverDeleteSnapshot>consumer(BusAddresses.PAGESERVER_SNAPSHOT_DELETE, m -> answer(m, true,
            () -> snapshots.delete(m.body().tenantId(), m.body().name()))).completion()));
  }

  /** One GC pass over a tenant's timelines (null: all), after the pass before it. */
  public Future<PageserverGcResult> run(String tenantId) {
    Future<PageserverGcResult> next = last.transform(previous -> runNow(tenantId));
    last = next;
    return next;
  }

  private Future<PageserverGcResult> runNow(String tenantId) {
    metrics.ran();
    Tally tally = new Tally();
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
    if (uploads != null) {
      chain = chain.compose(v -> collectDeletedTimelines(tenantId, tally).recover(failure -> {
        LOG.warn("GC of deleted timelines' remote objects failed: {}", failure.toString());
        return Future.succeededFuture();
      }));
    }
    return chain.map(done -> tally.result(chosen.size()));
  }

  /**
   * Objects of timelines that no longer exist: deleting a timeline removes its remote index first (so a rebuild
   * does not bring it back); its layers, named by no index now, go here. A timeline prefix with an index, or
   * whose timeline exists here, is left alone.
   */
  private Future<Void> collectDeletedTimelines(String tenantId, Tally tally) {
    String prefix = RemoteKeys.TENANTS + (tenantId == null ? "" : tenantId + "/");
    return uploads.storage().list(prefix).compose(keys -> {
      java.util.Map<String, List<String>> byTimeline = new java.util.HashMap<>();
      for (String key : keys) {
        String[] parts = key.split("/");
        // tenants/<tenant>/timelines/<timeline>/<name...>
        if (parts.length >= 5 && parts[2].equals("timelines")) {
          byTimeline.computeIfAbsent(parts[1] + "/" + parts[3], k -> new ArrayList<>()).add(key);
        }
      }
      Future<Void> deletions = Future.succeededFuture();
      for (var entry : byTimeline.entrySet()) {
        String[] ids = entry.getKey().split("/");
        boolean indexed = entry.getValue().stream().anyMatch(k -> k.endsWith("/" + RemoteKeys.INDEX));
        if (indexed || timelines.exists(ids[0], ids[1])) {
          continue;
        }
        for (String key : entry.getValue()) {
          deletions = deletions.compose(d -> timelines.exists(ids[0], ids[1]) ? Future.succeededFuture()
              : uploads.storage().delete(key).onSuccess(deleted -> tally.remote("orphan", 0, metrics)));
        }
        LOG.info("GC deletes {} remote object(s) of deleted timeline {}", entry.getValue().size(), entry.getKey());
      }
      return deletions;
    });
  }

  private Future<Void> collect(Timeline timeline, Tally tally) {
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
    }, false).compose(done -> collectRemote(timeline, index, (TimelineGc.Prepared) done[0],
        (TimelineGc.Freed) done[1], tally))).mapEmpty();
  }

  /** Writes the index without the layers the plan deleted, then deletes them, then the orphans. */
  private Future<RemoteIndex> collectRemote(Timeline timeline, RemoteIndex index, TimelineGc.Prepared prepared,
                                            TimelineGc.Freed freed, Tally tally) {
    RemoteStorage storage = uploads.storage();
    Set<Long> images = new HashSet<>(freed.deletedImages());
    // An image listed remotely but gone locally was deleted by an earlier pass whose remote step failed.
    index.images().stream().map(RemoteLayer::endLsn).filter(lsn -> timeline.images().at(lsn).isEmpty())
        .forEach(images::add);
    Set<Long> segments = freed.deletedSegments();
    List<RemoteLayer> kept = new ArrayList<>();
    List<RemoteLayer> dropped = new ArrayList<>();
    for (RemoteLayer layer : index.layers()) {
      boolean drop = layer.isImage() ? images.contains(layer.endLsn())
          : segments.contains(WalSegments.segmentNumber(layer.startLsn()));
      (drop ? dropped : kept).add(layer);
    }
    String prefix = RemoteKeys.timelinePrefix(timeline.tenantId(), timeline.timelineId());
    return vertx.executeBlocking(() -> SnapshotFile.toJson(Snapshots.of(timeline)), false).compose(current -> {
      RemoteIndex next = index.collected(kept, current, prepared.state());
      Future<Void> written = next.equals(index) ? Future.succeededFuture()
          : storage.putBytes(RemoteKeys.index(timeline.tenantId(), timeline.timelineId()),
              next.toJson().encodePrettily().getBytes(StandardCharsets.UTF_8));
      return written.compose(w -> {
        Future<Void> deletions = Future.succeededFuture();
        for (RemoteLayer layer : dropped) {
          deletions = deletions.compose(d -> storage.delete(prefix + layer.name()).onSuccess(deleted ->
              tally.remote(layer.isImage() ? "image" : "wal", layer.size(), metrics)));
        }
        return deletions;
      }).compose(d -> storage.list(prefix)).compose(keys -> {
        Set<String> named = new HashSet<>();
        kept.forEach(layer -> named.add(prefix + layer.name()));
        named.add(prefix + RemoteKeys.INDEX);
        Future<Void> orphans = Future.succeededFuture();
        for (String key : keys) {
          if (!named.contains(key)) {
            orphans = orphans.compose(o -> storage.delete(key).onSuccess(deleted -> {
              LOG.info("GC deleted remote orphan {} (no index names it)", key);
              tally.remote("orphan", 0, metrics);
            }));
          }
        }
        return orphans;
      }).map(done -> next);
    });
  }

  /** Sets a tenant's settings and copies them to remote storage (a rebuilt pageserver reads them back). */
  private void configure(Message<PageserverTenantConfig> message) {
    reply(message, vertx.executeBlocking(() -> settings.set(message.body()), true).compose(stored -> {
      if (uploads == null) {
        return Future.succeededFuture(stored);
      }
      byte[] json = TenantSettings.toJson(stored).encodePrettily().getBytes(StandardCharsets.UTF_8);
      return uploads.storage().putBytes(RemoteKeys.TENANTS + stored.tenantId() + "/" + TenantSettings.FILE, json)
          .map(put -> stored);
    }));
  }

  /** A rebuilt pageserver takes each tenant's settings back from remote storage. */
  private Future<Void> restoreTenantSettings() {
    if (uploads == null) {
      return Future.succeededFuture();
    }
    Set<String> tenants = new HashSet<>();
    timelines.all().forEach(t -> tenants.add(t.tenantId()));
    List<Future<?>> reads = new ArrayList<>();
    for (String tenant : tenants) {
      if (Files.exists(settings.fileOf(tenant))) {
        continue;
      }
      reads.add(uploads.storage().getBytes(RemoteKeys.TENANTS + tenant + "/" + TenantSettings.FILE)
          .compose(bytes -> vertx.executeBlocking(() -> settings.set(TenantSettings.fromJson(tenant,
              new JsonObject(new String(bytes, StandardCharsets.UTF_8)))), false))
          .onSuccess(config -> LOG.info("Restored the settings of tenant {} from remote storage", tenant))
          .recover(missing -> Future.succeededFuture()));
    }
    return Future.join(reads).mapEmpty();
  }

  private boolean pinned(dev.argondb.pageserver.image.Image image) {
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

  /** What a pass did, summed over its timelines (timelines are collected one at a time). */
  private static final class Tally {
    final AtomicInteger images = new AtomicInteger();
    final AtomicInteger segments = new AtomicInteger();
    final AtomicInteger remoteObjects = new AtomicInteger();
    final AtomicLong localBytes = new AtomicLong();
    final AtomicLong remoteBytes = new AtomicLong();

    void local(TimelineGc.Freed freed, GcMetrics metrics) {
      images.addAndGet(freed.images());
      segments.addAndGet(freed.segments());
      localBytes.addAndGet(freed.imageBytes() + freed.walBytes());
      metrics.freed("local", "image", freed.imageBytes());
      metrics.freed("local", "wal", freed.walBytes());
    }

    void remote(String kind, long bytes, GcMetrics metrics) {
      remoteObjects.incrementAndGet();
      remoteBytes.addAndGet(bytes);
      metrics.freed("remote", kind, bytes);
    }

    PageserverGcResult result(int timelines) {
      return new PageserverGcResult(timelines, images.get(), segments.get(), remoteObjects.get(), localBytes.get(),
          remoteBytes.get());
    }
  }

  private <T> void answer(Message<T> message, boolean ordered, Callable<Object> work) {
    reply(message, vertx.executeBlocking(work, ordered));
  }

  private <T> void reply(Message<T> message, Future<?> work) {
    work.onComplete(result -> {
      if (result.succeeded()) {
        message.reply(result.result());
        return;
      }
      Throwable failure = result.cause();
      if (failure instanceof PageserverException refused) {
        message.fail(refused.code(), refused.getMessage());
      } else {
        LOG.warn("GC request {} failed", message.body(), failure);
        message.fail(BusErrors.INTERNAL, String.valueOf(failure.getMessage()));
      }
    });
  }
}
