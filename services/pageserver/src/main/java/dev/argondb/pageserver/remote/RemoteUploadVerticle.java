package dev.argondb.pageserver.remote;

import dev.argondb.bus.BusAddresses;
import dev.argondb.bus.PageserverRemoteConsistent;
import dev.argondb.pageserver.timeline.Timeline;
import dev.argondb.pageserver.timeline.Timelines;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
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

  private final Timelines timelines;
  private final RemoteStorage storage;
  private final RemoteMetrics metrics;
  private final Path staging;
  private final long passMillis;
  private final TransferLimiter limiter;
  private final Map<String, TimelineUploader> uploaders = new java.util.concurrent.ConcurrentHashMap<>();
  private long timer;
  private boolean passing;

  public RemoteUploadVerticle(Timelines timelines, RemoteStorage storage, RemoteMetrics metrics, Path staging,
                              long passMillis, int concurrency) {
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
    timer = vertx.setPeriodic(passMillis, id -> passAll());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    storage.close();
    return Future.succeededFuture();
  }

  /** One pass over every timeline; completes when all of them have finished (for tests and shutdown). */
  public Future<Void> passAll() {
    if (passing) {
      return Future.succeededFuture();
    }
    passing = true;
    Set<String> present = new HashSet<>();
    List<Future<?>> passes = new ArrayList<>();
    for (Timeline timeline : timelines.all()) {
      String key = timeline.tenantId() + "/" + timeline.timelineId();
      present.add(key);
      TimelineUploader uploader = uploaders.computeIfAbsent(key, k -> {
        TimelineUploader created = new TimelineUploader(vertx, timeline, storage, metrics, limiter, staging);
        metrics.trackLag(timeline.tenantId(), timeline.timelineId(), () -> {
          RemoteIndex index = created.index();
          return index == null || index.remoteConsistentLsn() == 0 ? 0
              : Math.max(0, timeline.lastRecordLsn() - index.remoteConsistentLsn());
        });
        return created;
      });
      passes.add(uploader.pass().onSuccess(index -> {
        if (index != null && index.remoteConsistentLsn() != 0) {
          vertx.eventBus().publish(BusAddresses.PAGESERVER_REMOTE_CONSISTENT, new PageserverRemoteConsistent(
              timeline.tenantId(), timeline.timelineId(), index.remoteConsistentLsn()));
        }
      }).onFailure(failure -> LOG.warn("Upload pass of {} failed: {}", key, failure.toString())));
    }
    uploaders.entrySet().removeIf(e -> {
      if (present.contains(e.getKey())) {
        return false;
      }
      metrics.untrackLag(e.getValue().timeline().tenantId(), e.getValue().timeline().timelineId());
      return true;
    });
    return Future.join(passes).<Void>mapEmpty().eventually(() -> {
      passing = false;
      return Future.succeededFuture();
    });
  }

  /** The index last uploaded for a timeline (null if none yet). */
  public RemoteIndex uploadedIndex(String tenantId, String timelineId) {
    TimelineUploader uploader = uploaders.get(tenantId + "/" + timelineId);
    return uploader == null ? null : uploader.index();
  }
}
