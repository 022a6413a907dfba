package dev.argondb.safekeeper;

import java.nio.file.Path;

/**
 * Settings of one safekeeper.
 *
 * @param id        its name; computes list it in {@code synchronous_standby_names}, so keep it short (sk1)
 * @param dataDir   where its timelines' WAL and control files live
 * @param host      address its HTTP/gRPC server binds and advertises
 * @param httpPort  gRPC ({@code SafekeeperWal}), {@code /metrics}, {@code /health}, {@code /v1/timelines}; 0 picks one
 * @param quorum    how many safekeepers must fsync WAL before it counts as committed
 * @param walRetentionMarginBytes WAL kept below the pageserver's remote consistent LSN: whole segments below
 *                  (that LSN minus this) are deleted when the pageserver reports it
 */
public record SafekeeperConfig(String id, Path dataDir, String host, int httpPort, int quorum,
                               long walRetentionMarginBytes) {
  public static final long DEFAULT_WAL_RETENTION_MARGIN_BYTES = 64L << 20;

  public SafekeeperConfig(String id, Path dataDir, String host, int httpPort, int quorum) {
    this(id, dataDir, host, httpPort, quorum, DEFAULT_WAL_RETENTION_MARGIN_BYTES);
  }

  public SafekeeperConfig {
    if (!id.matches("[a-z][a-z0-9_]{0,30}")) {
      throw new IllegalArgumentException("safekeeper id must be [a-z][a-z0-9_]*, got " + id);
    }
    if (quorum < 1) {
      throw new IllegalArgumentException("quorum must be >= 1, got " + quorum);
    }
    if (walRetentionMarginBytes < 0) {
      throw new IllegalArgumentException("wal_retention_margin_bytes must not be negative, got "
          + walRetentionMarginBytes);
    }
  }

  public static SafekeeperConfig defaults(String id, Path dataDir, int httpPort) {
    return new SafekeeperConfig(id, dataDir, "127.0.0.1", httpPort, 2);
  }
}
