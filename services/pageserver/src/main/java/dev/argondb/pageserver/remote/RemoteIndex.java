package dev.argondb.pageserver.remote;

import dev.argondb.bus.SafekeeperRef;
import dev.argondb.pageserver.timeline.TimelineMetadata;
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
 * the objects it names, so a reader never finds a layer listed that is not there.
 */
public record RemoteIndex(TimelineMetadata metadata, List<SafekeeperRef> following, List<RemoteLayer> layers,
                          long remoteConsistentLsn) {
  static final int VERSION = 1;

  public RemoteIndex {
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

  /** How far the uploaded WAL runs without a gap from the timeline's start. */
  public long contiguousWalEnd() {
    long end = metadata.startLsn();
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
        .put("following", sks).put("layers", list);
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
    return new RemoteIndex(metadata, following, layers, json.getLong("remote_consistent_lsn", 0L));
  }
}
