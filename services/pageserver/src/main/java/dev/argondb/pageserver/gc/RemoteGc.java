package dev.argondb.pageserver.gc;

import dev.argondb.pageserver.remote.RemoteIndex;
import dev.argondb.pageserver.remote.RemoteKeys;
import dev.argondb.pageserver.remote.RemoteLayer;
import dev.argondb.pageserver.remote.RemoteStorage;
import dev.argondb.pageserver.timeline.Timeline;
import dev.argondb.pageserver.timeline.Timelines;
import dev.argondb.pgformat.WalSegments;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GC's side in remote storage. For a timeline (run between two of its upload passes): the new {@code index.json}
 * first, without the layers deleted locally, then those objects, then the orphans under its prefix that no index
 * names (left by a pass cut short), so a reader never finds a listed object missing. Then the objects of deleted
 * timelines (whose index went when they were deleted).
 */
final class RemoteGc {
  private static final Logger LOG = LoggerFactory.getLogger(RemoteGc.class);

  private final Vertx vertx;
  private final RemoteStorage storage;
  private final Timelines timelines;
  private final GcMetrics metrics;

  RemoteGc(Vertx vertx, RemoteStorage storage, Timelines timelines, GcMetrics metrics) {
    this.vertx = vertx;
    this.storage = storage;
    this.timelines = timelines;
    this.metrics = metrics;
  }

  /** Writes the index without the layers the plan deleted, then deletes them, then the orphans. */
  Future<RemoteIndex> collectRemote(Timeline timeline, RemoteIndex index, TimelineGc.Prepared prepared,
                                            TimelineGc.Freed freed, GcTally tally) {
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

  /**
   * Objects of timelines that no longer exist: deleting a timeline removes its remote index first (so a rebuild
   * does not bring it back); its layers, named by no index now, go here. A timeline prefix with an index, or
   * whose timeline exists here, is left alone.
   */
  Future<Void> collectDeletedTimelines(String tenantId, GcTally tally) {
    String prefix = RemoteKeys.TENANTS + (tenantId == null ? "" : tenantId + "/");
    return storage.list(prefix).compose(keys -> {
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
              : storage.delete(key).onSuccess(deleted -> tally.remote("orphan", 0, metrics)));
        }
        LOG.info("GC deletes {} remote object(s) of deleted timeline {}", entry.getValue().size(), entry.getKey());
      }
      return deletions;
    });
  }
}
