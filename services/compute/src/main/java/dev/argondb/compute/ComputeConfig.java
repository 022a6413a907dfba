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
 */
public record ComputeConfig(Path dataRoot, String pgBinDir, String httpHost, int httpPort,
                            Map<String, String> postgresSettings, long startTimeoutMillis, long stopTimeoutMillis) {

  public static ComputeConfig defaults(Path dataRoot) {
    return new ComputeConfig(dataRoot, null, "127.0.0.1", 9701, Map.of(), 60_000, 60_000);
  }

  public ComputeConfig withHttpPort(int port) {
    return new ComputeConfig(dataRoot, pgBinDir, httpHost, port, postgresSettings, startTimeoutMillis,
        stopTimeoutMillis);
  }
}
