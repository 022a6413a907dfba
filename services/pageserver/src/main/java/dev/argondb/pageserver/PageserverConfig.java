package dev.argondb.pageserver;

import java.nio.file.Path;

/**
 * Settings of the pageserver.
 *
 * @param dataDir               timelines (metadata, WAL, indexes, images) live under {@code dataDir/tenants}
 * @param host                  address the HTTP/gRPC server binds and advertises
 * @param httpPort              gRPC ({@code Pageserver.GetBasebackup}), {@code /metrics}, {@code /health}; 0 picks one
 * @param pgBinDir              Postgres binaries for initdb and redo runs; empty = bundled (or {@code ARGON_PG_BIN})
 * @param imageRollForwardBytes WAL past a timeline's newest image after which a newer image is made (part 2)
 * @param ingestSyncMillis      how often ingested WAL and its index are fsynced and the resume point saved
 * @param reconnectMillis       wait before streaming from the next safekeeper after a stream failed
 */
public record PageserverConfig(Path dataDir, String host, int httpPort, String pgBinDir, long imageRollForwardBytes,
                               long ingestSyncMillis, long reconnectMillis) {
  public static final long DEFAULT_IMAGE_ROLL_FORWARD_BYTES = 64L << 20;
  public static final long DEFAULT_INGEST_SYNC_MILLIS = 200;
  public static final long DEFAULT_RECONNECT_MILLIS = 500;

  public PageserverConfig {
    if (dataDir == null) {
      throw new IllegalArgumentException("pageserver data_dir is required");
    }
    if (imageRollForwardBytes < 1 << 20) {
      throw new IllegalArgumentException("image_roll_forward_bytes must be at least 1 MB, got " + imageRollForwardBytes);
    }
    if (ingestSyncMillis < 1 || reconnectMillis < 1) {
      throw new IllegalArgumentException("ingest_sync_millis and reconnect_millis must be positive");
    }
    pgBinDir = pgBinDir == null ? "" : pgBinDir;
  }

  public static PageserverConfig defaults(Path dataDir, int httpPort) {
    return new PageserverConfig(dataDir, "127.0.0.1", httpPort, "", DEFAULT_IMAGE_ROLL_FORWARD_BYTES,
        DEFAULT_INGEST_SYNC_MILLIS, DEFAULT_RECONNECT_MILLIS);
  }

  public PageserverConfig withPgBinDir(String dir) {
    return new PageserverConfig(dataDir, host, httpPort, dir, imageRollForwardBytes, ingestSyncMillis, reconnectMillis);
  }
}
