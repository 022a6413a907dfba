package dev.argondb.pageserver.image;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;

/**
 * A consistent data directory of a timeline kept at an LSN. A <em>full</em> image is a whole stopped data
 * directory ({@code pgdata/}; the first image of a root timeline). A <em>delta</em> image holds only what
 * changed since its {@link Base}: the 8 KB pages of relation files that differ, each relation file's size, and
 * the non-relation files whole ({@link ImageManifest}); reading it goes through its {@link ImageChain}.
 *
 * @param dir           the image's directory ({@code images/<lsn>/})
 * @param lsn           the image's LSN: its checkpoint record's end for a clean shutdown, else its
 *                      minRecoveryPoint (the end of the redo run). Its pages may be as new as this, so a
 *                      basebackup at L may use it only if {@code lsn <= L} (crash recovery does not check
 *                      minRecoveryPoint: DESIGN.md)
 * @param checkpointLsn its pg_control checkpoint
 * @param redoLsn       where replay must start to use it
 * @param cleanShutdown pg_control says "shut down": a basebackup marks it "in production" so WAL is replayed
 * @param base          the image this one is a delta on; null for a full image
 */
public record Image(Path dir, long lsn, long checkpointLsn, long redoLsn, boolean cleanShutdown, Base base) {
  static final String DATA = "pgdata";
  static final String DESCRIPTION = "image.json";

  /** The image a delta is based on: an image of the same timeline or of one of its ancestors. */
  public record Base(String timelineId, long lsn) {}

  public boolean isFull() {
    return base == null;
  }

  /** The whole data directory of a full image. */
  public Path dataDir() {
    if (!isFull()) {
      throw new IllegalStateException("a delta image has no data directory of its own: " + dir);
    }
    return dir.resolve(DATA);
  }

  JsonObject toJson() {
    JsonObject json = new JsonObject().put("lsn", lsn).put("checkpoint_lsn", checkpointLsn).put("redo_lsn", redoLsn)
        .put("clean_shutdown", cleanShutdown).put("kind", isFull() ? "full" : "delta");
    if (base != null) {
      json.put("base_timeline", base.timelineId()).put("base_lsn", base.lsn());
    }
    return json;
  }

  static Image fromJson(Path imageDir, JsonObject json) {
    Base base = "delta".equals(json.getString("kind"))
        ? new Base(json.getString("base_timeline"), json.getLong("base_lsn")) : null;
    return new Image(imageDir, json.getLong("lsn"), json.getLong("checkpoint_lsn"), json.getLong("redo_lsn"),
        json.getBoolean("clean_shutdown"), base);
  }
}
