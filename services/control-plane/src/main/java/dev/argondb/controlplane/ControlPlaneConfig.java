package dev.argondb.controlplane;

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
 */
public record ControlPlaneConfig(String httpHost, int httpPort, String databaseUrl, int defaultSuspendTimeoutSeconds,
                                 long idleCheckIntervalMillis, long computeStartTimeoutMillis) {

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
    if (computeStartTimeoutMillis < 1) {
      throw new IllegalArgumentException("computeStartTimeoutMillis must be >= 1, got " + computeStartTimeoutMillis);
    }
  }

  /** The local stack's settings. */
  public static ControlPlaneConfig defaults() {
    return new ControlPlaneConfig("127.0.0.1", 9700, DEFAULT_DATABASE_URL, 300, 1000, 60_000);
  }

  public ControlPlaneConfig withHttpPort(int port) {
    return new ControlPlaneConfig(httpHost, port, databaseUrl, defaultSuspendTimeoutSeconds, idleCheckIntervalMillis,
        computeStartTimeoutMillis);
  }

  public ControlPlaneConfig withDatabaseUrl(String url) {
    return new ControlPlaneConfig(httpHost, httpPort, url, defaultSuspendTimeoutSeconds, idleCheckIntervalMillis,
        computeStartTimeoutMillis);
  }

  public ControlPlaneConfig withIdlePolicy(int suspendTimeoutSeconds, long checkIntervalMillis) {
    return new ControlPlaneConfig(httpHost, httpPort, databaseUrl, suspendTimeoutSeconds, checkIntervalMillis,
        computeStartTimeoutMillis);
  }

  public ControlPlaneConfig withComputeStartTimeoutMillis(long timeoutMillis) {
    return new ControlPlaneConfig(httpHost, httpPort, databaseUrl, defaultSuspendTimeoutSeconds,
        idleCheckIntervalMillis, timeoutMillis);
  }
}
