package dev.argondb.pageserver.remote;

import dev.argondb.bus.SafekeeperRef;
import dev.argondb.durable.DurableFiles;
import dev.argondb.pageserver.index.WalIndex;
import dev.argondb.pageserver.index.WalIndexer;
import dev.argondb.pageserver.timeline.TimelineMetadata;
import dev.argondb.pageserver.timeline.Timelines;
import dev.argondb.pageserver.wal.WalSegmentFiles;
import dev.argondb.pgformat.Lsn;
import dev.argondb.pgruntime.PgFiles;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds a pageserver's timelines from remote storage before the timelines are loaded, lazily: lists every
 * {@code index.json}, and for each timeline not on local disk (ancestors first) downloads its WAL layers up to
 * the remote consistent LSN ({@link #WAL_DOWNLOADS} at a time), checks each one's size and SHA-256 (a mismatch
 * refuses the timeline: it is not served), writes and indexes the WAL again, and lays out each image as
 * <em>remote only</em>: its description from the index, its layer named in {@code remote.json}, no files. The
 * layer cache downloads an image when a reader first needs it. The safekeepers it follows are restored, and its
 * {@code metadata.json} written last: a restore cut short leaves a directory that the next load removes. Ingest
 * then resumes from the safekeepers past the remote consistent LSN.
 */
public final class RemoteRestore {
  private static final Logger LOG = LoggerFactory.getLogger(RemoteRestore.class);
  private static final int REINDEX_CHUNK = 1 << 20;
  /** WAL layers of one timeline downloaded at once. */
  static final int WAL_DOWNLOADS = 4;

  /** What a restore did: timelines restored, and those refused with the reason. */
  public record Result(List<String> restored, Map<String, String> refused) {}

  private final Vertx vertx;
  private final RemoteStorage storage;
  private final RemoteMetrics metrics;
  private final Timelines timelines;
  private final Path staging;

  public RemoteRestore(Vertx vertx, RemoteStorage storage, RemoteMetrics metrics, Timelines timelines, Path staging) {
    this.vertx = vertx;
    this.storage = storage;
    this.metrics = metrics;
    this.timelines = timelines;
    this.staging = staging;
  }

  /** Restores every remote timeline missing locally. */
  public Future<Result> restoreMissing() {
    long begin = System.nanoTime();
    Map<String, String> refused = new LinkedHashMap<>();
    return storage.list(RemoteKeys.TENANTS).compose(keys -> {
      List<Future<RemoteIndex>> reads = new ArrayList<>();
      for (String key : keys) {
        if (key.endsWith("/" + RemoteKeys.INDEX)) {
          // An index that cannot be read or parsed refuses its timeline only.
          reads.add(storage.getBytes(key).map(bytes -> RemoteIndex.fromJson(
              new JsonObject(new String(bytes, StandardCharsets.UTF_8)))).recover(failure -> {
                String timeline = key.substring(RemoteKeys.TENANTS.length(),
                    key.length() - RemoteKeys.INDEX.length() - 1).replace("/timelines/", "/");
                refused.put(timeline, "unreadable " + key + ": " + failure.getMessage());
                LOG.error("Not restoring {}: {} is unreadable: {}", timeline, key, failure.getMessage());
                return Future.succeededFuture(null);
              }));
        }
      }
      return Future.all(reads).map(all -> reads.stream().map(Future::result).filter(java.util.Objects::nonNull)
          .toList());
    }).compose(indexes -> {
      Map<String, RemoteIndex> byKey = new LinkedHashMap<>();
      indexes.forEach(index -> byKey.put(key(index.metadata()), index));
      List<String> restored = new ArrayList<>();
      Future<Void> chain = Future.succeededFuture();
      for (RemoteIndex index : ancestorsFirst(byKey)) {
        chain = chain.compose(v -> restoreOne(index, byKey, restored, refused));
      }
      return chain.map(done -> {
        LOG.info("Restored {} timeline(s) from {} in {} ms{}", restored.size(), storage.describe(),
            (System.nanoTime() - begin) / 1_000_000, refused.isEmpty() ? "" : "; refused: " + refused);
        return new Result(List.copyOf(restored), Map.copyOf(refused));
      });
    });
  }

  private Future<Void> restoreOne(RemoteIndex index, Map<String, RemoteIndex> all, List<String> restored,
                                  Map<String, String> refused) {
    TimelineMetadata m = index.metadata();
    String key = key(m);
    Path dir = timelines.directoryOf(m.tenantId(), m.timelineId());
    if (Files.exists(dir.resolve("metadata.json"))) {
      return Future.succeededFuture(); // on local disk already
    }
    if (m.isBranch()) {
      String ancestor = m.tenantId() + "/" + m.ancestorTimelineId();
      if (refused.containsKey(ancestor) || !all.containsKey(ancestor)) {
        refused.put(key, "its ancestor " + ancestor + " could not be restored");
        LOG.error("Not restoring {}: its ancestor {} could not be restored", key, ancestor);
        return Future.succeededFuture();
      }
    }
    if (index.remoteConsistentLsn() == 0) {
      refused.put(key, "nothing restorable uploaded yet");
      LOG.error("Not restoring {}: its first image and WAL are not uploaded yet", key);
      return Future.succeededFuture();
    }
    Path download = staging.resolve("restore-" + m.tenantId() + "-" + m.timelineId());
    Map<RemoteLayer, Path> files = new HashMap<>();
    TransferLimiter limiter = new TransferLimiter(WAL_DOWNLOADS);
    Future<Void> chain = vertx.executeBlocking(() -> {
      PgFiles.deleteRecursively(download);
      PgFiles.deleteRecursively(dir);
      Files.createDirectories(download);
      Files.createDirectories(dir);
      return null;
    }, false).compose(ready -> {
      List<Future<Void>> gets = new ArrayList<>();
      for (RemoteLayer layer : neededWal(index)) {
        Path file = download.resolve(layer.name().replace('/', '-'));
        files.put(layer, file);
        gets.add(limiter.run(() -> storage.get(RemoteKeys.timelinePrefix(m.tenantId(), m.timelineId())
            + layer.name(), file)).onSuccess(v -> metrics.downloaded(layer.kind(), layer.size())));
      }
      return Future.join(gets).mapEmpty(); // all ended before the directory is cleaned up
    });
    return chain.compose(v -> vertx.executeBlocking(() -> {
      install(index, dir, files);
      return null;
    }, false)).transform(done -> vertx.executeBlocking(() -> {
      PgFiles.deleteRecursively(download);
      if (done.failed()) {
        PgFiles.deleteRecursively(dir); // not served: no metadata.json, nothing left
      }
      return null;
    }, false).map(cleaned -> {
      if (done.succeeded()) {
        restored.add(key);
        LOG.info("Restored {} from {}: {} WAL layer(s), WAL indexed up to {}; {} image(s) remote only until read",
            key, storage.describe(), files.size(), Lsn.format(index.remoteConsistentLsn()), index.images().size());
      } else {
        refused.put(key, String.valueOf(done.cause().getMessage()));
        LOG.error("Refused to restore {}: {}", key, done.cause().getMessage());
      }
      return null;
    }));
  }

  /** The WAL layers up to the remote consistent LSN (later ones come from the safekeepers). */
  private static List<RemoteLayer> neededWal(RemoteIndex index) {
    List<RemoteLayer> layers = new ArrayList<>();
    for (RemoteLayer wal : index.wal()) {
      if (Long.compareUnsigned(wal.startLsn(), index.remoteConsistentLsn()) < 0
          || wal.startLsn() == index.metadata().startLsn()) {
        layers.add(wal);
      }
    }
    return layers;
  }

  /** Checks and lays out the downloaded layers, indexes the WAL, and lists the timeline (metadata.json last). */
  private void install(RemoteIndex index, Path dir, Map<RemoteLayer, Path> files) throws IOException {
    for (Map.Entry<RemoteLayer, Path> e : files.entrySet()) {
      verify(index, e.getKey(), e.getValue());
    }
    TimelineMetadata m = index.metadata();
    for (RemoteLayer image : index.images()) {
      // Remote only: the marker and the layer's name first, the description (which lists the image) last.
      if (image.image() == null) {
        throw new IOException("image layer " + image.name() + " of " + key(m) + " has no description in index.json");
      }
      Path imageDir = dir.resolve("images").resolve(String.format("%016X", image.endLsn()));
      Files.createDirectories(imageDir);
      ImageResidency.markRemoteOnly(imageDir);
      ImageResidency.writeRemoteCopy(imageDir, new ImageResidency.RemoteCopy(
          RemoteKeys.timelinePrefix(m.tenantId(), m.timelineId()) + image.name(), image.size(), image.sha256()));
      DurableFiles.write(imageDir.resolve("image.json"), image.image().encode());
    }
    WalSegmentFiles wal = new WalSegmentFiles(dir.resolve("wal"));
    WalIndex walIndex = new WalIndex(dir.resolve("index"));
    try {
      List<RemoteLayer> walLayers = new ArrayList<>(files.keySet().stream().filter(RemoteLayer::isWal).toList());
      walLayers.sort((a, b) -> Long.compareUnsigned(a.startLsn(), b.startLsn()));
      for (RemoteLayer layer : walLayers) {
        try (FileChannel ch = FileChannel.open(files.get(layer), StandardOpenOption.READ)) {
          ByteBuffer bytes = ByteBuffer.allocate((int) ch.size());
          while (bytes.hasRemaining() && ch.read(bytes) > 0) {
            // until the object is read
          }
          bytes.flip();
          wal.write(layer.startLsn(), bytes);
        }
      }
      // Index the WAL again from the timeline's start, as ingest did: boundaries, checkpoints, commits. After GC
      // the WAL runs without a gap only from its floor, a page start.
      long floor = index.walFloor();
      WalIndexer indexer = floor == m.startLsn() ? new WalIndexer(wal, walIndex, m.startLsn())
          : WalIndexer.fromPageStart(wal, walIndex, floor);
      long at = floor;
      long end = index.remoteConsistentLsn();
      while (Long.compareUnsigned(at, end) < 0) {
        int n = (int) Math.min(REINDEX_CHUNK, end - at);
        ByteBuffer chunk = ByteBuffer.allocate(n);
        wal.read(at, chunk);
        chunk.flip();
        indexer.ingest(at, chunk);
        at += n;
      }
      if (indexer.lastRecordLsn() != end) {
        throw new IOException("WAL of " + key(m) + " indexes up to " + Lsn.format(indexer.lastRecordLsn())
            + ", not to its remote consistent LSN " + Lsn.format(end));
      }
      indexer.sync();
    } finally {
      wal.close();
      walIndex.close();
    }
    JsonArray following = new JsonArray();
    for (SafekeeperRef sk : index.following()) {
      following.add(new JsonObject().put("id", sk.id()).put("host", sk.host()).put("grpc_port", sk.grpcPort()));
    }
    DurableFiles.write(dir.resolve("following.json"), following.encode());
    // What only the index keeps: the timeline's snapshots and what GC did to it.
    DurableFiles.write(dir.resolve(dev.argondb.pageserver.gc.SnapshotFile.NAME), index.snapshots().encodePrettily());
    DurableFiles.write(dir.resolve("gc.json"), index.gc().toJson().encode());
    DurableFiles.write(dir.resolve("metadata.json"), m.toJson().encodePrettily());
  }

  private static void verify(RemoteIndex index, RemoteLayer layer, Path file) throws IOException {
    long size = Files.size(file);
    String sha = LayerFiles.sha256(file);
    if (size != layer.size() || !sha.equals(layer.sha256())) {
      throw new IOException("layer " + layer.name() + " of " + key(index.metadata()) + " is corrupt: expected "
          + layer.size() + " bytes with SHA-256 " + layer.sha256() + ", downloaded " + size + " bytes with " + sha);
    }
  }

  private static List<RemoteIndex> ancestorsFirst(Map<String, RemoteIndex> byKey) {
    List<RemoteIndex> ordered = new ArrayList<>();
    java.util.Set<String> done = new java.util.HashSet<>();
    for (String key : byKey.keySet()) {
      visit(key, byKey, done, ordered, 0);
    }
    return ordered;
  }

  private static void visit(String key, Map<String, RemoteIndex> byKey, java.util.Set<String> done,
                            List<RemoteIndex> ordered, int depth) {
    RemoteIndex index = byKey.get(key);
    if (index == null || depth > byKey.size() || !done.add(key)) {
      return;
    }
    if (index.metadata().isBranch()) {
      visit(index.metadata().tenantId() + "/" + index.metadata().ancestorTimelineId(), byKey, done, ordered,
          depth + 1);
    }
    ordered.add(index);
  }

  private static String key(TimelineMetadata m) {
    return m.tenantId() + "/" + m.timelineId();
  }
}
