package dev.argondb.pageserver.remote;

import dev.argondb.bus.SafekeeperRef;
import dev.argondb.pageserver.timeline.GcState;
import dev.argondb.pageserver.timeline.TimelineMetadata;
import dev.argondb.pgformat.WalSegments;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A timeline's {@code index.json} in remote storage: what the timeline is (its metadata: ancestor, ancestor LSN,
 * start LSN), the safekeepers it follows, the layers uploaded so far, and the remote consistent LSN: a record
 * boundary up to which its WAL is uploaded with a usable image below it, so a pageserver rebuilt from remote
 * storage holds the timeline up to there and resumes ingest from the safekeepers at that LSN. Written after
 * the objects it names, so a reader never finds a layer listed that is not there. It also carries what must
 * survive a rebuild and lives nowhere else: the timeline's snapshots ({@code snapshots}, as in its
 * {@code snapshots.json}) and what GC did ({@code gc}: cutoff and retained points). After GC, the WAL runs without
 * a gap only from {@link #walFloor()}.
 */
public record RemoteIndex(TimelineMetadata metadata, List<SafekeeperRef> following, List<RemoteLayer> layers,
                          long remoteConsistentLsn, JsonArray snapshots, GcState gc) {
  static final int VERSION = 1;

  /** An index without snapshots, of a timeline never collected. */
  public RemoteIndex(TimelineMetadata metadata, List<SafekeeperRef> following, List<RemoteLayer> layers,
                     long remoteConsistentLsn) {
    this(metadata, following, layers, remoteConsistentLsn, new JsonArray(), GcState.NONE);
  }

  public RemoteIndex {
    snapshots = snapshots == null ? new JsonArray() : snapshots.copy();
    gc = gc == null ? GcState.NONE : gc;
    following = List.copyOf(following);
    List<RemoteLayer> sorted = new ArrayList<>(layers);
    sorted.sort(Comparator.comparing(RemoteLayer::kind).thenComparing(RemoteLayer::startLsn,
        Long::compareUnsigned).thenComparing(RemoteLayer::endLsn, Long::compareUnsigned));
    layers = List.copyOf(sorted);
  }

  /** A timeline nothing of which is uploaded yet. */
  static RemoteIndex empty(TimelineMetadata metadata, List<SafekeeperRef> following) {
    return new RemoteIndex(metadata, following, List.of(), 0);
  }

  boolean has(String name) {
    return layers.stream().anyMatch(layer -> layer.name().equals(name));
  }

  public List<RemoteLayer> images() {
    return layers.stream().filter(RemoteLayer::isImage).toList();
  }

  public List<RemoteLayer> wal() {
    return layers.stream().filter(RemoteLayer::isWal).toList();
  }

  /** The same index with other layers and GC state (what GC writes before deleting the objects it no longer names). */
  public RemoteIndex collected(List<RemoteLayer> kept, JsonArray currentSnapshots, GcState state) {
    return new RemoteIndex(metadata, following, kept, remoteConsistentLsn, currentSnapshots, state);
  }

  /**
   * The image a restore starts from: the newest one at or below the GC cutoff (GC keeps the WAL from its redo on
   * without a gap); before any GC, the first one.
   */
  public RemoteLayer baseImage() {
    List<RemoteLayer> images = images();
    if (images.isEmpty()) {
      return null;
    }
    if (gc.cutoffLsn() == 0) {
      return images.get(0);
    }
    RemoteLayer base = null;
    for (RemoteLayer image : images) {
      if (Long.compareUnsigned(image.endLsn(), gc.cutoffLsn()) <= 0) {
        base = image;
      }
    }
    return base;
  }

  /**
   * Where the WAL runs without a gap from: the timeline's start, or after GC the start of the segment of the base
   * image's redo LSN (a branch without such an image of its own: its start).
   */
  public long walFloor() {
    if (gc.cutoffLsn() == 0) {
      return metadata.startLsn();
    }
    RemoteLayer base = baseImage();
    if (base == null) {
      return metadata.startLsn();
    }
    long segmentStart = WalSegments.segmentStart(WalSegments.segmentNumber(base.startLsn()));
    return metadata.isBranch() && Long.compareUnsigned(segmentStart, metadata.startLsn()) < 0
        ? metadata.startLsn() : segmentStart;
  }

  /** How far the uploaded WAL runs without a gap from {@link #walFloor()}. */
  public long contiguousWalEnd() {
    long end = walFloor();
    for (RemoteLayer layer : wal()) {
      if (Long.compareUnsigned(layer.startLsn(), end) <= 0 && Long.compareUnsigned(layer.endLsn(), end) > 0) {
        end = layer.endLsn();
      }
    }
    return end;
  }

  public JsonObject toJson() {
    JsonArray sks = new JsonArray();
    following.forEach(sk -> sks.add(new JsonObject().put("id", sk.id()).put("host", sk.host())
        .put("grpc_port", sk.grpcPort())));
    JsonArray list = new JsonArray();
    layers.forEach(layer -> list.add(layer.toJson()));
    return new JsonObject().put("version", VERSION)
        .put("tenant_id", metadata.tenantId()).put("timeline_id", metadata.timelineId())
        .put("ancestor_timeline_id", metadata.ancestorTimelineId()).put("ancestor_lsn", metadata.ancestorLsn())
        .put("start_lsn", metadata.startLsn()).put("remote_consistent_lsn", remoteConsistentLsn)
        .put("following", sks).put("layers", list).put("snapshots", snapshots).put("gc", gc.toJson());
  }

  public static RemoteIndex fromJson(JsonObject json) {
    if (json.getInteger("version", 0) != VERSION) {
      throw new IllegalArgumentException("index.json version " + json.getValue("version") + " is not " + VERSION);
    }
    TimelineMetadata metadata = TimelineMetadata.fromJson(json);
    List<SafekeeperRef> following = json.getJsonArray("following", new JsonArray()).stream()
        .map(JsonObject.class::cast)
        .map(o -> new SafekeeperRef(o.getString("id"), o.getString("host"), o.getInteger("grpc_port"))).toList();
    List<RemoteLayer> layers = json.getJsonArray("layers", new JsonArray()).stream().map(JsonObject.class::cast)
        .map(RemoteLayer::fromJson).toList();
    return new RemoteIndex(metadata, following, layers, json.getLong("remote_consistent_lsn", 0L),
        json.getJsonArray("snapshots", new JsonArray()),
        json.containsKey("gc") ? GcState.fromJson(json.getJsonObject("gc")) : GcState.NONE);
  }
}
