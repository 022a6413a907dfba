package dev.argondb.pageserver.image;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;

/**
 * A consistent data directory of a timeline kept at an LSN (for now the whole directory; the target is
 * the pages changed since the previous image).
 *
 * @param lsn           the image's LSN: its checkpoint record's end for a clean shutdown, else its
 *                      minRecoveryPoint. Its pages may be as new as this, so a basebackup at L may use it only
 *                      if {@code lsn <= L} (crash recovery does not check minRecoveryPoint: DESIGN.md)
 * @param checkpointLsn its pg_control checkpoint
 * @param redoLsn       where replay must start to use it
 * @param cleanShutdown pg_control says "shut down": a basebackup marks it "in production" so WAL is replayed
 */
public record Image(Path dataDir, long lsn, long checkpointLsn, long redoLsn, boolean cleanShutdown) {
  static final String DATA = "pgdata";
  static final String DESCRIPTION = "image.json";

  JsonObject toJson() {
    return new JsonObject().put("lsn", lsn).put("checkpoint_lsn", checkpointLsn).put("redo_lsn", redoLsn)
        .put("clean_shutdown", cleanShutdown);
  }

  static Image fromJson(Path imageDir, JsonObject json) {
    return new Image(imageDir.resolve(DATA), json.getLong("lsn"), json.getLong("checkpoint_lsn"),
        json.getLong("redo_lsn"), json.getBoolean("clean_shutdown"));
  }
}
