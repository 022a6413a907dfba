package dev.argondb.pageserver.remote;

import dev.argondb.pageserver.image.Image;
import dev.argondb.pageserver.image.ImageStore;
import dev.argondb.pageserver.timeline.Timeline;
import dev.argondb.pgformat.Lsn;
import dev.argondb.pgformat.WalSegments;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import dev.argondb.pageserver.gc.SnapshotFile;
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
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Uploads one timeline's layers: each image once listed (a tar of its directory) and each WAL segment once whole
 * (every byte of it ingested), then its {@code index.json} naming them. One pass at a time; a layer whose upload
 * failed stays out of the index and is tried again at the next pass. The remote index is read once (a rebuilt or
 * restarted pageserver continues it) and then kept in memory.
 */
final class TimelineUploader {
  private static final Logger LOG = LoggerFactory.getLogger(TimelineUploader.class);

  /** A layer to upload: where its bytes are (or how to make them), and what the index will say. */
  private record Pending(String kind, String name, long startLsn, long endLsn, Image image) {}

  private final Vertx vertx;
  private final Timeline timeline;
  private final RemoteStorage storage;
  private final RemoteMetrics metrics;
  private final TransferLimiter limiter;
  private final Path staging;
  private volatile RemoteIndex index;
  private boolean running;
  private boolean closed;
  /** Whether remote storage holds an index of this timeline (a new timeline's is written even with no layers). */
  private boolean remoteHasIndex = true;
  private Future<RemoteIndex> current = Future.succeededFuture();
  /**
   * What the last pass that uploaded everything it found saw: the timeline's image list and the segment its
   * ingested WAL had reached. Until either moves (a new image, a segment made whole) there is nothing to upload,
   * so the pass is skipped without listing files: with a thousand idle branches, passes cost nothing.
   */
  private List<Image> imagesAtLastPass;
  private long segmentAtLastPass = -1;
  /** {@link Timeline#changes()} then: a snapshot taken or deleted goes into the index at the next pass. */
  private long changesAtLastPass = -1;

  TimelineUploader(Vertx vertx, Timeline timeline, RemoteStorage storage, RemoteMetrics metrics,
                   TransferLimiter limiter, Path staging) {
    this.vertx = vertx;
    this.timeline = timeline;
    this.storage = storage;
    this.metrics = metrics;
    this.limiter = limiter;
    this.staging = staging;
  }

  Timeline timeline() {
    return timeline;
  }

  /** The index as last uploaded (null before the first pass read or wrote it). */
  RemoteIndex index() {
    return index;
  }

  /**
   * No more passes (the timeline is gone); completes once the pass under way, if any, has finished, so that
   * nothing writes its index after that.
   */
  Future<Void> close() {
    closed = true;
    return current.<Void>mapEmpty().recover(failed -> Future.succeededFuture());
  }

  /** One upload pass; completes with the index now in remote storage (or the one before, if nothing was new). */
  Future<RemoteIndex> pass() {
    if (running || closed) {
      return Future.succeededFuture(index);
    }
    List<Image> images = timeline.images().all();
    long segment = WalSegments.segmentNumber(ingestedLsn());
    long changes = timeline.changes();
    if (index != null && remoteHasIndex && images == imagesAtLastPass && segment == segmentAtLastPass
        && changes == changesAtLastPass) {
      return Future.succeededFuture(index);
    }
    running = true;
    boolean[] allUploaded = {true};
    String indexKey = RemoteKeys.index(timeline.tenantId(), timeline.timelineId());
    Future<RemoteIndex> pass = known()
        .compose(before -> {
          index = index == null ? before : index;
          return vertx.executeBlocking(() -> pending(before), false)
              .compose(pending -> uploadAll(pending).onSuccess(uploaded ->
                  allUploaded[0] = uploaded.size() == pending.size()))
              .compose(uploaded -> vertx.executeBlocking(() -> next(before, uploaded), false))
              .compose(next -> {
                if (closed || next.equals(before) && remoteHasIndex) {
                  return Future.succeededFuture(before);
                }
                byte[] bytes = next.toJson().encodePrettily().getBytes(StandardCharsets.UTF_8);
                return storage.putBytes(indexKey, bytes).map(put -> {
                  metrics.uploaded(LayerKind.INDEX, bytes.length);
                  remoteHasIndex = true;
                  if (next.remoteConsistentLsn() != before.remoteConsistentLsn()) {
                    LOG.info("Remote consistent LSN of {}/{} is {} ({} layers in {})", timeline.tenantId(),
                        timeline.timelineId(), Lsn.format(next.remoteConsistentLsn()), next.layers().size(),
                        storage.describe());
                  }
                  index = next;
                  return next;
                });
              });
        })
        .onComplete(done -> {
          running = false;
          if (done.succeeded() && allUploaded[0]) {
            imagesAtLastPass = images;
            segmentAtLastPass = segment;
            changesAtLastPass = changes;
          }
        });
    current = pass;
    return pass;
  }

  /** The index in remote storage: as last written by this pageserver, else read (an empty one if there is none). */
  private Future<RemoteIndex> known() {
    String indexKey = RemoteKeys.index(timeline.tenantId(), timeline.timelineId());
    return index != null ? Future.succeededFuture(index)
        : storage.getBytes(indexKey).map(bytes -> RemoteIndex.fromJson(new JsonObject(
                new String(bytes, StandardCharsets.UTF_8))))
            .recover(failure -> {
              if (!(failure instanceof RemoteObjectNotFound)) {
                return Future.failedFuture(failure);
              }
              remoteHasIndex = false;
              return Future.succeededFuture(RemoteIndex.empty(timeline.metadata(), timeline.following()));
            });
  }

  /**
   * Runs {@code work} (GC) on the remote index between passes: after the pass under way, and no pass starts until
   * it has finished. {@code work} gets the index in remote storage and completes with the one it wrote (or the
   * same). Call on the upload verticle's context.
   */
  Future<RemoteIndex> exclusive(java.util.function.Function<RemoteIndex, Future<RemoteIndex>> work) {
    if (closed) {
      return Future.failedFuture(new IllegalStateException("timeline " + timeline.tenantId() + "/"
          + timeline.timelineId() + " is gone"));
    }
    Future<RemoteIndex> mine = current.<Void>mapEmpty().recover(failed -> Future.succeededFuture())
        .compose(previous -> {
          running = true;
          return known();
        })
        .compose(work::apply)
        .onSuccess(written -> index = written)
        // It may have written a new index before failing: the next pass reads the one in remote storage again
        // rather than write one from memory that names deleted objects.
        .onFailure(failed -> index = null)
        .onComplete(done -> running = false);
    current = mine;
    return mine;
  }

  /**
   * Up to where every byte of WAL is stored and indexed: after a segment switch the record ends at the segment's end
   * while the switch's padding pages may still be arriving. A segment below it is whole.
   */
  private long ingestedLsn() {
    return Long.compareUnsigned(timeline.lastRecordLsn(), timeline.indexer().receivedLsn()) < 0
        ? timeline.lastRecordLsn() : timeline.indexer().receivedLsn();
  }

  /** Images not uploaded yet, then whole WAL segments not uploaded yet (and a root's initdb WAL at once). */
  private List<Pending> pending(RemoteIndex known) throws IOException {
    List<Pending> pending = new ArrayList<>();
    for (Image image : timeline.images().all()) {
      String name = RemoteKeys.imageLayer(image.lsn());
      // A remote-only image has no files to upload (its layer is in remote storage already).
      if (!known.has(name) && ImageStore.isLocal(image)) {
        pending.add(new Pending(LayerKind.IMAGE, name, image.redoLsn(), image.lsn(), image));
      }
    }
    long start = timeline.startLsn();
    long ingested = ingestedLsn();
    long floor = timeline.metadata().isBranch() ? start : 0; // a branch's WAL below its start is its ancestor's
    Path walDir = timeline.dir().resolve("wal");
    List<Long> segments = new ArrayList<>();
    if (Files.isDirectory(walDir)) {
      try (var files = Files.list(walDir)) {
        for (Path file : files.toList()) {
          String fileName = file.getFileName().toString();
          if (fileName.matches("[0-9A-F]{16}")) {
            segments.add(Long.parseUnsignedLong(fileName, 16));
          }
        }
      }
    }
    segments.sort(Long::compareUnsigned);
    boolean startSegmentWhole = false;
    for (long segNo : segments) {
      long segStart = WalSegments.segmentStart(segNo);
      long segEnd = WalSegments.segmentStart(segNo + 1);
      if (Long.compareUnsigned(segEnd, ingested) > 0) {
        continue; // not whole yet
      }
      if (segNo == WalSegments.segmentNumber(start)) {
        startSegmentWhole = true;
      }
      String name = RemoteKeys.walSegment(segNo);
      if (!known.has(name)) {
        pending.add(new Pending(LayerKind.WAL, name, Long.compareUnsigned(segStart, floor) < 0 ? floor : segStart,
            segEnd, null));
      }
    }
    // A root timeline's first segment holds initdb's WAL below its start (the first image's redo needs it): it
    // goes up at once, so the timeline is restorable before its first segment is whole.
    if (!timeline.metadata().isBranch() && !startSegmentWhole && WalSegments.segmentOffset(start) != 0) {
      String name = RemoteKeys.walPartial(start);
      if (!known.has(name)) {
        pending.add(new Pending(LayerKind.WAL, name, WalSegments.segmentStart(WalSegments.segmentNumber(start)),
            start, null));
      }
    }
    return pending;
  }

  private Future<List<RemoteLayer>> uploadAll(List<Pending> pending) {
    List<Future<RemoteLayer>> uploads = new ArrayList<>();
    for (Pending layer : pending) {
      uploads.add(limiter.run(() -> upload(layer)).recover(failure -> {
        LOG.warn("Uploading {} of {}/{} to {} failed (tried again at the next pass): {}", layer.name(),
            timeline.tenantId(), timeline.timelineId(), storage.describe(), failure.toString());
        return Future.succeededFuture(null);
      }));
    }
    return Future.join(uploads).map(all -> uploads.stream().map(Future::result).filter(Objects::nonNull).toList());
  }

  /** Copies the layer's bytes to the staging directory, checksums them, uploads them. */
  private Future<RemoteLayer> upload(Pending layer) {
    long begin = System.nanoTime();
    String key = RemoteKeys.timelinePrefix(timeline.tenantId(), timeline.timelineId()) + layer.name();
    return vertx.executeBlocking(() -> stage(layer), false).compose(staged ->
        storage.put(key, staged.file())
            .eventually(() -> vertx.executeBlocking(() -> Files.deleteIfExists(staged.file()), false))
            .map(put -> {
              long nanos = System.nanoTime() - begin;
              metrics.uploaded(layer.kind(), staged.size());
              LOG.info("Uploaded {} {} of {}/{}: {} KB in {} ms ({} MB/s)", layer.kind(), layer.name(),
                  timeline.tenantId(), timeline.timelineId(), staged.size() / 1024, nanos / 1_000_000,
                  String.format("%.1f", staged.size() / 1048576.0 / Math.max(nanos / 1e9, 1e-6)));
              return new RemoteLayer(layer.kind(), layer.name(), layer.startLsn(), layer.endLsn(), staged.size(),
                  staged.sha256(), layer.image() == null ? null : imageDescription(layer.image()));
            }));
  }

  private record Staged(Path file, long size, String sha256) {}

  private Staged stage(Pending layer) throws IOException {
    Files.createDirectories(staging);
    String base = timeline.tenantId() + "-" + timeline.timelineId() + "-" + layer.name().replace('/', '-');
    if (layer.image() != null) {
      Path tar = staging.resolve(base);
      LayerFiles.tar(layer.image().dir(), tar, "image.json");
      return new Staged(tar, Files.size(tar), LayerFiles.sha256(tar));
    }
    // A copy, checksummed as uploaded: nothing writing the timeline's files meanwhile can make them differ.
    timeline.wal().sync();
    Path part = staging.resolve(base);
    ByteBuffer bytes = ByteBuffer.allocate((int) (layer.endLsn() - layer.startLsn()));
    timeline.wal().read(layer.startLsn(), bytes);
    bytes.flip();
    try (FileChannel ch = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      while (bytes.hasRemaining()) {
        ch.write(bytes);
      }
    }
    return new Staged(part, Files.size(part), LayerFiles.sha256(part));
  }

  private static JsonObject imageDescription(Image image) {
    try {
      return new JsonObject(Files.readString(image.dir().resolve("image.json"), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The index after this pass: the layers before plus those uploaded now; its remote consistent LSN. */
  private RemoteIndex next(RemoteIndex before, List<RemoteLayer> uploaded) throws IOException {
    List<RemoteLayer> layers = new ArrayList<>(before.layers());
    layers.addAll(uploaded);
    // A whole first segment replaces the partial one uploaded before it.
    long startSeg = WalSegments.segmentNumber(timeline.startLsn());
    if (layers.stream().anyMatch(l -> l.name().equals(RemoteKeys.walSegment(startSeg)))) {
      layers.removeIf(l -> l.name().startsWith(RemoteKeys.walSegment(startSeg) + ".partial-"));
    }
    JsonArray snapshots = SnapshotFile.toJson(SnapshotFile.read(timeline.dir(), timeline.tenantId(),
        timeline.timelineId()));
    RemoteIndex draft = new RemoteIndex(timeline.metadata(), timeline.following(), layers, 0, snapshots,
        timeline.gcState());
    return new RemoteIndex(timeline.metadata(), timeline.following(), layers, consistentLsn(draft), snapshots,
        timeline.gcState());
  }

  /**
   * The last record end at or below the uploaded WAL's contiguous end (from its floor, see
   * {@link RemoteIndex#walFloor()}); 0 while a root timeline's first image or
   * the WAL its replay starts from is not uploaded (nothing restorable yet). A branch reads its ancestor's
   * image, which the ancestor's own index covers.
   */
  private long consistentLsn(RemoteIndex draft) throws IOException {
    long start = timeline.startLsn();
    if (!timeline.metadata().isBranch()) {
      // Before GC the first image is the one at the start; after GC, the one the cutoff reads from.
      RemoteLayer base = draft.baseImage();
      if (base == null || draft.gc().cutoffLsn() == 0 && base.endLsn() != start) {
        return 0;
      }
      long redoSegmentStart = WalSegments.segmentStart(WalSegments.segmentNumber(base.startLsn()));
      if (draft.wal().stream().noneMatch(l -> l.startLsn() == redoSegmentStart)) {
        return 0;
      }
    }
    long end = draft.contiguousWalEnd();
    if (end == start) {
      return start;
    }
    long boundary = timeline.index().boundaries().lastBefore(end + 1, start);
    return boundary < 0 ? start : boundary;
  }
}
