package dev.argondb.pageserver.remote;

import dev.argondb.bus.BusAddresses;
import dev.argondb.bus.PageserverRemoteConsistent;
import dev.argondb.pageserver.timeline.Timeline;
import dev.argondb.pageserver.timeline.Timelines;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Layer upload: every {@code passMillis}, one upload pass per timeline ({@link TimelineUploader}), at most
 * {@code concurrency} object transfers at once over all timelines. After each pass it publishes the timeline's
 * remote consistent LSN ({@link PageserverRemoteConsistent}) so safekeepers can drop the WAL below it.
 */
public final class RemoteUploadVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(RemoteUploadVerticle.class);
  public static final long DEFAULT_PASS_MILLIS = 1_000;
  public static final int DEFAULT_CONCURRENCY = 4;
  static final long REPUBLISH_MILLIS = 10_000;

  private final Timelines timelines;
  private final RemoteStorage storage;
  private final RemoteMetrics metrics;
  private final Path staging;
  private final long passMillis;
  private final TransferLimiter limiter;
  /** Told after each pass which images are uploaded (evictable); null: no layer cache. */
  private final LayerCache cache;
  /** The index the cache was last told of, per timeline: a pass that uploaded nothing keeps the same one. */
  private final Map<String, RemoteIndex> told = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<String, TimelineUploader> uploaders = new java.util.concurrent.ConcurrentHashMap<>();
  /** Timelines whose remote index is being deleted: no uploads for their id until that is done. */
  private final Set<String> forgetting = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final Map<String, long[]> published = new HashMap<>();
  private long timer;

  public RemoteUploadVerticle(Timelines timelines, RemoteStorage storage, RemoteMetrics metrics, Path staging,
                              long passMillis, int concurrency) {
    this(timelines, storage, metrics, staging, passMillis, concurrency, null);
  }

  public RemoteUploadVerticle(Timelines timelines, RemoteStorage storage, RemoteMetrics metrics, Path staging,
                              long passMillis, int concurrency, LayerCache cache) {
    this.cache = cache;
    this.timelines = timelines;
    this.storage = storage;
    this.metrics = metrics;
    this.staging = staging;
    this.passMillis = passMillis;
    this.limiter = new TransferLimiter(concurrency);
  }

  @Override
  public Future<?> start() {
    LOG.info("Uploading layers to {} every {} ms", storage.describe(), passMillis);
    // Copies staged by a pageserver that stopped mid-upload are of no use now.
    return vertx.executeBlocking(() -> {
      dev.argondb.pgruntime.PgFiles.deleteRecursively(staging);
      return null;
    }, false).onSuccess(cleaned -> {
      // Every timeline gets its uploader now, not at the first pass: one deleted before that pass must still
      // lose its remote index (passAll forgets the timelines of uploaders whose timeline is gone).
      timelines.all().forEach(t -> uploaderOf(t.tenantId() + "/" + t.timelineId(), t));
      timer = vertx.setPeriodic(passMillis, id -> passAll());
    });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    storage.close();
    return Future.succeededFuture();
  }

  /**
   * One pass over every timeline (a timeline whose previous pass still runs, say through retries, is skipped);
   * completes when all of them have finished.
   */
  public Future<Void> passAll() {
    Map<String, Timeline> present = new HashMap<>();
    timelines.all().forEach(t -> present.put(t.tenantId() + "/" + t.timelineId(), t));
    List<Future<?>> passes = new ArrayList<>();
    // A deleted timeline (or one deleted and created again) loses its remote index first: a rebuild must not
    // bring it back, and a new timeline of that id must not take the old one's layers for its own.
    uploaders.entrySet().removeIf(e -> {
      if (present.get(e.getKey()) == e.getValue().timeline()) {
        return false;
      }
      Timeline gone = e.getValue().timeline();
      metrics.untrackLag(gone.tenantId(), gone.timelineId());
      told.remove(e.getKey());
      forgetting.add(e.getKey());
      published.remove(e.getKey());
      // After its last pass, which must not write the index again once it is deleted.
      e.getValue().close().compose(closed -> storage.delete(RemoteKeys.index(gone.tenantId(), gone.timelineId())))
          .onSuccess(deleted -> LOG.info("Deleted the remote index of {} (its timeline is gone)", e.getKey()))
          .onFailure(failed -> LOG.warn("Deleting the remote index of {} failed: {}", e.getKey(), failed.toString()))
          .onComplete(done -> forgetting.remove(e.getKey()));
      return true;
    });
    for (Timeline timeline : present.values()) {
      String key = timeline.tenantId() + "/" + timeline.timelineId();
      if (forgetting.contains(key)) {
        continue;
      }
      TimelineUploader uploader = uploaderOf(key, timeline);
      passes.add(uploader.pass().onSuccess(index -> {
        if (cache != null && index != null && !index.images().isEmpty() && told.get(key) != index) {
          cache.uploaded(timeline, index)
              .onSuccess(marked -> told.put(key, index))
              .onFailure(failure -> LOG.warn("Marking the uploaded images of {} in the layer cache failed (tried"
                  + " again after the next pass): {}", key, failure.toString()));
        }
        if (index != null && index.remoteConsistentLsn() != 0 && shouldPublish(key, index.remoteConsistentLsn())) {
          vertx.eventBus().publish(BusAddresses.PAGESERVER_REMOTE_CONSISTENT, new PageserverRemoteConsistent(
              timeline.tenantId(), timeline.timelineId(), index.remoteConsistentLsn()));
        }
      }).onFailure(failure -> LOG.warn("Upload pass of {} failed: {}", key, failure.toString())));
    }
    return Future.join(passes).mapEmpty();
  }

  private TimelineUploader uploaderOf(String key, Timeline timeline) {
    return uploaders.computeIfAbsent(key, k -> {
      TimelineUploader created = new TimelineUploader(vertx, timeline, storage, metrics, limiter, staging);
      metrics.trackLag(timeline.tenantId(), timeline.timelineId(), () -> {
        RemoteIndex index = created.index();
        return index == null || index.remoteConsistentLsn() == 0 ? 0
            : Math.max(0, timeline.lastRecordLsn() - index.remoteConsistentLsn());
      });
      return created;
    });
  }

  /**
   * Runs {@code work} (GC of {@code timeline}) on its remote index with no upload pass of the timeline under way or
   * starting meanwhile: it gets the index in remote storage and completes with the index it wrote (or the same).
   * Refused for a timeline being forgotten.
   */
  public Future<RemoteIndex> exclusive(Timeline timeline, java.util.function.Function<RemoteIndex,
      Future<RemoteIndex>> work) {
    io.vertx.core.Promise<RemoteIndex> done = io.vertx.core.Promise.promise();
    context.runOnContext(v -> {
      String key = timeline.tenantId() + "/" + timeline.timelineId();
      TimelineUploader existing = uploaders.get(key);
      if (forgetting.contains(key) || existing != null && existing.timeline() != timeline) {
        done.fail("the remote index of " + key + " is being deleted");
        return;
      }
      uploaderOf(key, timeline).exclusive(work).onComplete(done);
    });
    return done.future();
  }

  /** The storage layers go to (GC deletes from it). */
  public RemoteStorage storage() {
    return storage;
  }

  /** Published when it moves, and again every {@link #REPUBLISH_MILLIS} for safekeepers that missed it. */
  private boolean shouldPublish(String key, long lsn) {
    long now = System.nanoTime();
    long[] last = published.get(key);
    if (last != null && last[0] == lsn && now - last[1] < REPUBLISH_MILLIS * 1_000_000) {
      return false;
    }
    published.put(key, new long[] {lsn, now});
    return true;
  }

  /** The index last uploaded for a timeline (null if none yet). */
  public RemoteIndex uploadedIndex(String tenantId, String timelineId) {
    TimelineUploader uploader = uploaders.get(tenantId + "/" + timelineId);
    return uploader == null ? null : uploader.index();
  }
}
