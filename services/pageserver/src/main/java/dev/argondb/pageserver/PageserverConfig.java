package dev.argondb.pageserver;

import dev.argondb.pageserver.remote.RemoteStorageConfig;
import java.nio.file.Path;

/**
 * Settings of the pageserver.
 *
 * @param dataDir               timelines (metadata, WAL, indexes, images) live under {@code dataDir/tenants}
 * @param host                  address the HTTP/gRPC server binds and advertises
 * @param httpPort              gRPC (GetBasebackup, GetPages), {@code /metrics}, {@code /health}; 0 picks one
 * @param pgBinDir              Postgres binaries for initdb and redo runs; empty = bundled (or {@code ARGON_PG_BIN})
 * @param imageRollForwardBytes WAL past a timeline's newest image after which a newer image is made (part 2)
 * @param ingestSyncMillis      how often ingested WAL and its index are fsynced and the resume point saved
 * @param reconnectMillis       wait before streaming from the next safekeeper after a stream failed
 * @param redoConcurrency       redo Postgres runs (image roll forwards) at a time, over all timelines
 * @param redoCheckMillis       how often timelines are checked for an image roll forward
 * @param basebackupWaitMillis  how long a basebackup at an LSN not ingested yet waits for ingest to get there
 *                              before it is refused (right after a compute stops, ingest may lag by milliseconds)
 * @param remoteStorage         where layers and WAL are uploaded, and a pageserver with an empty data directory is
 *                              rebuilt from: none, a directory, or an S3 API
 * @param layerCacheBytes       image bytes kept on local disk at most (0 = no limit): beyond it, the least recently
 *                              used images already in remote storage are evicted (downloaded again when read)
 * @param gcPeriodMillis        how often GC runs over every timeline (it also runs on request over the bus)
 * @param maxDeltaChain         delta images allowed on top of a full image: a roll forward that would make the
 *                              chain longer writes a full image instead, so GC can free the old chain
 */
public record PageserverConfig(Path dataDir, String host, int httpPort, String pgBinDir, long imageRollForwardBytes,
                               long ingestSyncMillis, long reconnectMillis, int redoConcurrency,
                               long redoCheckMillis, long basebackupWaitMillis, RemoteStorageConfig remoteStorage,
                               long layerCacheBytes, long gcPeriodMillis, int maxDeltaChain) {
  public static final long DEFAULT_IMAGE_ROLL_FORWARD_BYTES = 64L << 20;
  public static final long DEFAULT_INGEST_SYNC_MILLIS = 200;
  public static final long DEFAULT_RECONNECT_MILLIS = 500;
  public static final int DEFAULT_REDO_CONCURRENCY = 1;
  public static final long DEFAULT_REDO_CHECK_MILLIS = 10_000;
  public static final long DEFAULT_BASEBACKUP_WAIT_MILLIS = 30_000;
  public static final long DEFAULT_LAYER_CACHE_BYTES = 20L << 30;
  public static final long DEFAULT_GC_PERIOD_MILLIS = 3_600_000;
  public static final int DEFAULT_MAX_DELTA_CHAIN = 8;

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
    if (redoConcurrency < 1 || redoCheckMillis < 1) {
      throw new IllegalArgumentException("redo_concurrency and redo_check_millis must be positive");
    }
    if (basebackupWaitMillis < 0) {
      throw new IllegalArgumentException("basebackup_wait_millis must not be negative, got " + basebackupWaitMillis);
    }
    if (layerCacheBytes < 0) {
      throw new IllegalArgumentException("layer_cache_bytes must not be negative (0 = no limit), got "
          + layerCacheBytes);
    }
    if (gcPeriodMillis < 1 || maxDeltaChain < 0) {
      throw new IllegalArgumentException("gc_period_millis must be positive and max_delta_chain not negative, got "
          + gcPeriodMillis + " and " + maxDeltaChain);
    }
    pgBinDir = pgBinDir == null ? "" : pgBinDir;
    remoteStorage = remoteStorage == null ? new RemoteStorageConfig.None() : remoteStorage;
  }

  /** The settings with the default layer cache size. */
  public PageserverConfig(Path dataDir, String host, int httpPort, String pgBinDir, long imageRollForwardBytes,
                          long ingestSyncMillis, long reconnectMillis, int redoConcurrency,
                          long redoCheckMillis, long basebackupWaitMillis, RemoteStorageConfig remoteStorage) {
    this(dataDir, host, httpPort, pgBinDir, imageRollForwardBytes, ingestSyncMillis, reconnectMillis,
        redoConcurrency, redoCheckMillis, basebackupWaitMillis, remoteStorage, DEFAULT_LAYER_CACHE_BYTES,
        DEFAULT_GC_PERIOD_MILLIS, DEFAULT_MAX_DELTA_CHAIN);
  }

  /** The settings without remote storage. */
  public PageserverConfig(Path dataDir, String host, int httpPort, String pgBinDir, long imageRollForwardBytes,
                          long ingestSyncMillis, long reconnectMillis, int redoConcurrency,
                          long redoCheckMillis, long basebackupWaitMillis) {
    this(dataDir, host, httpPort, pgBinDir, imageRollForwardBytes, ingestSyncMillis, reconnectMillis,
        redoConcurrency, redoCheckMillis, basebackupWaitMillis, new RemoteStorageConfig.None());
  }

  /** The settings without the redo ones and the basebackup wait, which take their defaults. */
  public PageserverConfig(Path dataDir, String host, int httpPort, String pgBinDir, long imageRollForwardBytes,
                          long ingestSyncMillis, long reconnectMillis) {
    this(dataDir, host, httpPort, pgBinDir, imageRollForwardBytes, ingestSyncMillis, reconnectMillis,
        DEFAULT_REDO_CONCURRENCY, DEFAULT_REDO_CHECK_MILLIS, DEFAULT_BASEBACKUP_WAIT_MILLIS);
  }

  /** The settings without the basebackup wait, which takes its default. */
  public PageserverConfig(Path dataDir, String host, int httpPort, String pgBinDir, long imageRollForwardBytes,
                          long ingestSyncMillis, long reconnectMillis, int redoConcurrency, long redoCheckMillis) {
    this(dataDir, host, httpPort, pgBinDir, imageRollForwardBytes, ingestSyncMillis, reconnectMillis,
        redoConcurrency, redoCheckMillis, DEFAULT_BASEBACKUP_WAIT_MILLIS);
  }

  public static PageserverConfig defaults(Path dataDir, int httpPort) {
    return new PageserverConfig(dataDir, "127.0.0.1", httpPort, "", DEFAULT_IMAGE_ROLL_FORWARD_BYTES,
        DEFAULT_INGEST_SYNC_MILLIS, DEFAULT_RECONNECT_MILLIS);
  }

  /** These settings with other image roll-forward settings. */
  public PageserverConfig withRedo(long rollForwardBytes, int concurrency, long checkMillis) {
    return new PageserverConfig(dataDir, host, httpPort, pgBinDir, rollForwardBytes, ingestSyncMillis,
        reconnectMillis, concurrency, checkMillis, basebackupWaitMillis, remoteStorage, layerCacheBytes,
        gcPeriodMillis, maxDeltaChain);
  }

  public PageserverConfig withPgBinDir(String dir) {
    return new PageserverConfig(dataDir, host, httpPort, dir, imageRollForwardBytes, ingestSyncMillis, reconnectMillis,
        redoConcurrency, redoCheckMillis, basebackupWaitMillis, remoteStorage, layerCacheBytes,
        gcPeriodMillis, maxDeltaChain);
  }

  public PageserverConfig withBasebackupWaitMillis(long millis) {
    return new PageserverConfig(dataDir, host, httpPort, pgBinDir, imageRollForwardBytes, ingestSyncMillis,
        reconnectMillis, redoConcurrency, redoCheckMillis, millis, remoteStorage, layerCacheBytes,
        gcPeriodMillis, maxDeltaChain);
  }

  public PageserverConfig withRemoteStorage(RemoteStorageConfig remote) {
    return new PageserverConfig(dataDir, host, httpPort, pgBinDir, imageRollForwardBytes, ingestSyncMillis,
        reconnectMillis, redoConcurrency, redoCheckMillis, basebackupWaitMillis, remote, layerCacheBytes,
        gcPeriodMillis, maxDeltaChain);
  }

  public PageserverConfig withLayerCacheBytes(long bytes) {
    return new PageserverConfig(dataDir, host, httpPort, pgBinDir, imageRollForwardBytes, ingestSyncMillis,
        reconnectMillis, redoConcurrency, redoCheckMillis, basebackupWaitMillis, remoteStorage, bytes, gcPeriodMillis,
        maxDeltaChain);
  }

  /** The settings with the default GC period and delta chain length. */
  public PageserverConfig(Path dataDir, String host, int httpPort, String pgBinDir, long imageRollForwardBytes,
                          long ingestSyncMillis, long reconnectMillis, int redoConcurrency,
                          long redoCheckMillis, long basebackupWaitMillis, RemoteStorageConfig remoteStorage,
                          long layerCacheBytes) {
    this(dataDir, host, httpPort, pgBinDir, imageRollForwardBytes, ingestSyncMillis, reconnectMillis,
        redoConcurrency, redoCheckMillis, basebackupWaitMillis, remoteStorage, layerCacheBytes,
        DEFAULT_GC_PERIOD_MILLIS, DEFAULT_MAX_DELTA_CHAIN);
  }

  /** These settings with another GC period and delta chain length. */
  public PageserverConfig withGc(long periodMillis, int deltaChain) {
    return new PageserverConfig(dataDir, host, httpPort, pgBinDir, imageRollForwardBytes, ingestSyncMillis,
        reconnectMillis, redoConcurrency, redoCheckMillis, basebackupWaitMillis, remoteStorage, layerCacheBytes,
        periodMillis, deltaChain);
  }
}
