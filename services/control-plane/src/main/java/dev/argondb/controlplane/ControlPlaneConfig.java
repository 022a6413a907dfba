package dev.argondb.controlplane;

import dev.argondb.bus.PageserverRef;
import dev.argondb.bus.SafekeeperRef;
import java.util.List;

/**
 * Settings of one control plane.
 *
 * @param httpHost interface the REST API listens on
 * @param httpPort REST API port; 0 picks a free port (tests)
 * @param databaseUrl the control plane's own Postgres database, {@code postgresql://user:pw@host:port/db}
 * @param defaultSuspendTimeoutSeconds idle time before an endpoint is suspended, for endpoints created
 *     without one; 0 = never suspend
 * @param idleCheckIntervalMillis how often the idle-suspend policy looks for idle endpoints
 * @param computeStartTimeoutMillis how long a wake waits for the compute agent to start a compute
 * @param safekeepers the safekeepers that keep every timeline's WAL; empty: computes keep WAL locally
 * @param walQuorum how many safekeepers must fsync WAL before a COMMIT returns
 * @param pageserver where timelines and basebackups live; null: each compute keeps its own data directory
 *     (no branches)
 */
public record ControlPlaneConfig(String httpHost, int httpPort, String databaseUrl, int defaultSuspendTimeoutSeconds,
                                 long idleCheckIntervalMillis, long computeStartTimeoutMillis,
                                 List<SafekeeperRef> safekeepers, int walQuorum,
                                 PageserverRef pageserver) {

  public static final String DEFAULT_DATABASE_URL = "postgresql://argon:argon@127.0.0.1:5432/argon_control_plane";

  public ControlPlaneConfig {
    if (httpPort < 0 || httpPort > 65535) {
      throw new IllegalArgumentException("httpPort must be 0..65535, got " + httpPort);
    }
    if (defaultSuspendTimeoutSeconds < 0) {
      throw new IllegalArgumentException("defaultSuspendTimeoutSeconds must be >= 0, got " + defaultSuspendTimeoutSeconds);
    }
    if (idleCheckIntervalMillis < 1) {
      throw new IllegalArgumentException("idleCheckIntervalMillis must be >= 1, got " + idleCheckIntervalMillis);
    }
    safekeepers = List.copyOf(safekeepers);
    if (!safekeepers.isEmpty() && (walQuorum < 1 || walQuorum > safekeepers.size())) {
      throw new IllegalArgumentException("walQuorum must be 1.." + safekeepers.size() + ", got " + walQuorum);
    }
    if (safekeepers.isEmpty() != (pageserver == null)) {
      // Computes start from the pageserver's basebackups, which it makes from the safekeepers' WAL.
      throw new IllegalArgumentException("safekeepers and a pageserver go together: configure both or neither");
    }
    if (computeStartTimeoutMillis < 1) {
      throw new IllegalArgumentException("computeStartTimeoutMillis must be >= 1, got " + computeStartTimeoutMillis);
    }
  }

  /** The local stack's settings. */
  public static ControlPlaneConfig defaults() {
    return new ControlPlaneConfig("127.0.0.1", 9700, DEFAULT_DATABASE_URL, 300, 1000, 60_000, List.of(), 0, null);
  }

  public ControlPlaneConfig withHttpPort(int port) {
    return new ControlPlaneConfig(httpHost, port, databaseUrl, defaultSuspendTimeoutSeconds, idleCheckIntervalMillis,
        computeStartTimeoutMillis, safekeepers, walQuorum, pageserver);
  }

  public ControlPlaneConfig withDatabaseUrl(String url) {
    return new ControlPlaneConfig(httpHost, httpPort, url, defaultSuspendTimeoutSeconds, idleCheckIntervalMillis,
        computeStartTimeoutMillis, safekeepers, walQuorum, pageserver);
  }

  public ControlPlaneConfig withIdlePolicy(int suspendTimeoutSeconds, long checkIntervalMillis) {
    return new ControlPlaneConfig(httpHost, httpPort, databaseUrl, suspendTimeoutSeconds, checkIntervalMillis,
        computeStartTimeoutMillis, safekeepers, walQuorum, pageserver);
  }

  public ControlPlaneConfig withComputeStartTimeoutMillis(long timeoutMillis) {
    return new ControlPlaneConfig(httpHost, httpPort, databaseUrl, defaultSuspendTimeoutSeconds,
        idleCheckIntervalMillis, timeoutMillis, safekeepers, walQuorum, pageserver);
  }

  /**
   * The storage services: safekeepers that keep WAL durable (a COMMIT returns once {@code quorum} of them
   * fsynced it) and the pageserver computes start from.
   */
  public ControlPlaneConfig withStorage(List<SafekeeperRef> refs, int quorum, PageserverRef pageserverRef) {
    return new ControlPlaneConfig(httpHost, httpPort, databaseUrl, defaultSuspendTimeoutSeconds,
        idleCheckIntervalMillis, computeStartTimeoutMillis, refs, quorum, pageserverRef);
  }
}
