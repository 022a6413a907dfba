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
 */
public record SafekeeperConfig(String id, Path dataDir, String host, int httpPort, int quorum) {

  public SafekeeperConfig {
    if (!id.matches("[a-z][a-z0-9_]{0,30}")) {
      throw new IllegalArgumentException("safekeeper id must be [a-z][a-z0-9_]*, got " + id);
    }
    if (quorum < 1) {
      throw new IllegalArgumentException("quorum must be >= 1, got " + quorum);
    }
  }

  public static SafekeeperConfig defaults(String id, Path dataDir, int httpPort) {
    return new SafekeeperConfig(id, dataDir, "127.0.0.1", httpPort, 2);
  }
}
