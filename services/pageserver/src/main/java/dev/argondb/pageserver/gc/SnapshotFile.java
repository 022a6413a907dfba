package dev.argondb.pageserver.gc;

import dev.argondb.bus.PageserverSnapshot;
import dev.argondb.durable.DurableFiles;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A timeline's snapshots on disk: {@code snapshots.json} in its directory, a JSON array of {name, lsn,
 * created_epoch_millis}; the same array goes into the timeline's remote {@code index.json}. Blocking.
 */
public final class SnapshotFile {
  public static final String NAME = "snapshots.json";

  private SnapshotFile() {}

  public static List<PageserverSnapshot> read(Path timelineDir, String tenantId, String timelineId)
      throws IOException {
    Path file = timelineDir.resolve(NAME);
    if (!Files.exists(file)) {
      return List.of();
    }
    return fromJson(new JsonArray(Files.readString(file, StandardCharsets.UTF_8)), tenantId, timelineId);
  }

  public static void write(Path timelineDir, List<PageserverSnapshot> snapshots) throws IOException {
    DurableFiles.write(timelineDir.resolve(NAME), toJson(snapshots).encodePrettily());
  }

  public static JsonArray toJson(List<PageserverSnapshot> snapshots) {
    JsonArray list = new JsonArray();
    snapshots.stream().sorted(Comparator.comparing(PageserverSnapshot::name)).forEach(s -> list.add(new JsonObject()
        .put("name", s.name()).put("lsn", s.lsn()).put("created_epoch_millis", s.createdEpochMillis())));
    return list;
  }

  public static List<PageserverSnapshot> fromJson(JsonArray json, String tenantId, String timelineId) {
    List<PageserverSnapshot> snapshots = new ArrayList<>();
    for (Object o : json) {
      JsonObject s = (JsonObject) o;
      snapshots.add(new PageserverSnapshot(tenantId, s.getString("name"), timelineId, s.getLong("lsn"),
          s.getLong("created_epoch_millis", 0L)));
    }
    return snapshots;
  }
}
