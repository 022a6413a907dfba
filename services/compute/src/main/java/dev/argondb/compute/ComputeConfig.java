package dev.argondb.compute;

import java.nio.file.Path;
import java.util.Map;

/**
 * Settings of the compute agent.
 *
 * @param dataRoot          where the agent keeps each endpoint's data directory and logs
 * @param pgBinDir          an existing Postgres install's {@code bin/}, or null for the bundled PostgreSQL 17
 * @param httpHost          address of {@code /metrics}, {@code /health} and {@code /v1/computes}
 * @param httpPort          0 picks a free port
 * @param postgresSettings  extra {@code postgresql.conf} settings for every compute
 * @param startTimeoutMillis how long a compute may take to accept connections
 * @param stopTimeoutMillis how long a fast shutdown may take before the process is killed
 * @param computeHost       address every compute's Postgres listens on and the agent advertises to gateways;
 *                          on a compute host of its own, that host's address
 * @param statsIntervalMillis how often the agent reads each running compute's statistics for its metrics, and
 *                          looks whether a compute went quiet far past its last checkpoint (ComputeProbesVerticle)
 * @param lazyMinBytes      a cold start reads relation files of at least this size from the pageserver on demand
 *                          (through a FUSE mount) instead of copying them before Postgres starts; 0 copies all
 */
public record ComputeConfig(Path dataRoot, String pgBinDir, String httpHost, int httpPort,
                            Map<String, String> postgresSettings, long startTimeoutMillis, long stopTimeoutMillis,
                            String computeHost, long statsIntervalMillis, long lazyMinBytes) {

  public static final String DEFAULT_COMPUTE_HOST = "127.0.0.1";
  /** Dashboards rate over minutes; reading pg_stat views more often than this would only load computes. */
  public static final long DEFAULT_STATS_INTERVAL_MILLIS = 5_000;
  /**
   * Smaller files come whole with the basebackup: the system catalogs every start reads (pg_proc, the largest of
   * a fresh database, has about 1 MB) stay below it, so a start waits for no fetch of theirs; a large table or
   * index is read a page range at a time.
   */
  public static final long DEFAULT_LAZY_MIN_BYTES = 4 << 20;

  public ComputeConfig {
    if (computeHost == null || computeHost.isBlank()) {
      throw new IllegalArgumentException("computeHost is required");
    }
    if (statsIntervalMillis < 100) {
      throw new IllegalArgumentException("statsIntervalMillis must be >= 100, got " + statsIntervalMillis);
    }
    if (lazyMinBytes < 0) {
      throw new IllegalArgumentException("lazyMinBytes must be >= 0 (0: no lazy files), got " + lazyMinBytes);
    }
  }

  /** Computes on 127.0.0.1, as in the one-JVM local stack. */
  public ComputeConfig(Path dataRoot, String pgBinDir, String httpHost, int httpPort,
                       Map<String, String> postgresSettings, long startTimeoutMillis, long stopTimeoutMillis) {
    this(dataRoot, pgBinDir, httpHost, httpPort, postgresSettings, startTimeoutMillis, stopTimeoutMillis,
        DEFAULT_COMPUTE_HOST, DEFAULT_STATS_INTERVAL_MILLIS, DEFAULT_LAZY_MIN_BYTES);
  }

  public static ComputeConfig defaults(Path dataRoot) {
    return new ComputeConfig(dataRoot, null, "127.0.0.1", 9701, Map.of(), 60_000, 60_000);
  }

  public ComputeConfig withHttpPort(int port) {
    return new ComputeConfig(dataRoot, pgBinDir, httpHost, port, postgresSettings, startTimeoutMillis,
        stopTimeoutMillis, computeHost, statsIntervalMillis, lazyMinBytes);
  }

  public ComputeConfig withStatsIntervalMillis(long millis) {
    return new ComputeConfig(dataRoot, pgBinDir, httpHost, httpPort, postgresSettings, startTimeoutMillis,
        stopTimeoutMillis, computeHost, millis, lazyMinBytes);
  }

  public ComputeConfig withLazyMinBytes(long bytes) {
    return new ComputeConfig(dataRoot, pgBinDir, httpHost, httpPort, postgresSettings, startTimeoutMillis,
        stopTimeoutMillis, computeHost, statsIntervalMillis, bytes);
  }
}
