package dev.argondb.gateway;

import java.util.UUID;

/**
 * Settings of one gateway instance.
 *
 * @param host                      interface the Postgres listener binds
 * @param port                      Postgres port clients connect to; 0 picks a free port (tests)
 * @param httpHost                  interface of {@code /metrics} and {@code /health}
 * @param httpPort                  port of {@code /metrics} and {@code /health}; 0 picks a free port
 * @param defaultEndpoint           endpoint used when the client names none; null makes naming one mandatory
 * @param maxStartupPacketBytes     largest startup packet accepted (Postgres: MAX_STARTUP_PACKET_LENGTH, 10000)
 * @param startupTimeoutMillis      how long a new connection may take to send its startup message and authenticate
 * @param wakeTimeoutMillis         how long a connection waits for the control plane to wake its endpoint
 * @param computeConnectTimeoutMillis how long the TCP connect to a woken compute may take
 * @param gatewayId                 identifies this instance in activity events (one gateway of several)
 * @param tlsCertPath               PEM certificate (chain) served to TLS clients; null disables TLS (SSLRequest gets N)
 * @param tlsKeyPath                PEM private key of {@code tlsCertPath}
 * @param requireTls                refuse non-loopback clients that do not use TLS (FATAL 28000)
 * @param sniDomain                 TLS server names {@code <endpoint>.<sniDomain>} route to that endpoint
 * @param maxConnectionsPerEndpoint connections one gateway holds per endpoint before refusing (FATAL 53300)
 * @param reuse                     the server-connection pool and the caches that make a new connection cheap
 *                                  (null: {@link ReuseSettings#defaults()})
 * @param instances                 gateway verticles to deploy, sharing the port (which must then be fixed);
 *                                  0 = one per CPU core
 */
public record GatewayConfig(String host, int port, String httpHost, int httpPort, String defaultEndpoint,
                            int maxStartupPacketBytes, long startupTimeoutMillis, long wakeTimeoutMillis,
                            long computeConnectTimeoutMillis, String gatewayId, String tlsCertPath,
                            String tlsKeyPath, boolean requireTls, String sniDomain, int maxConnectionsPerEndpoint,
                            int instances, ReuseSettings reuse) {

  public static final int DEFAULT_PORT = 55432;
  public static final int DEFAULT_HTTP_PORT = 9702;
  public static final String DEFAULT_SNI_DOMAIN = "argon.local";
  /** Postgres's default max_connections is 100; a few hundred per endpoint leaves room for several gateways. */
  public static final int DEFAULT_MAX_CONNECTIONS_PER_ENDPOINT = 500;

  public GatewayConfig {
    requirePort("port", port);
    requirePort("httpPort", httpPort);
    if (maxStartupPacketBytes < 64) {
      throw new IllegalArgumentException("maxStartupPacketBytes must be >= 64, got " + maxStartupPacketBytes);
    }
    requirePositive("startupTimeoutMillis", startupTimeoutMillis);
    requirePositive("wakeTimeoutMillis", wakeTimeoutMillis);
    requirePositive("computeConnectTimeoutMillis", computeConnectTimeoutMillis);
    requirePositive("maxConnectionsPerEndpoint", maxConnectionsPerEndpoint);
    if (instances < 0) {
      throw new IllegalArgumentException("instances must be >= 0, got " + instances);
    }
    if (port == 0 && instances != 1 && tlsCertPath == null) {
      // Instances share a listener by its configured address; a port of 0 would give each its own random port.
      throw new IllegalArgumentException("several gateway instances need a fixed port, not 0");
    }
    if (host == null || httpHost == null) {
      throw new IllegalArgumentException("host and httpHost are required");
    }
    if (gatewayId == null || gatewayId.isBlank()) {
      throw new IllegalArgumentException("gatewayId is required");
    }
    if (defaultEndpoint != null && defaultEndpoint.isBlank()) {
      defaultEndpoint = null;
    }
    if ((tlsCertPath == null) != (tlsKeyPath == null)) {
      throw new IllegalArgumentException("tlsCertPath and tlsKeyPath go together");
    }
    if (requireTls && tlsCertPath == null) {
      throw new IllegalArgumentException("requireTls needs a certificate (tlsCertPath, tlsKeyPath)");
    }
    if (reuse == null) {
      reuse = ReuseSettings.defaults();
    }
  }

  /** The local stack's settings, with a fresh random gateway id. */
  public static GatewayConfig defaults() {
    return new GatewayConfig("127.0.0.1", DEFAULT_PORT, "127.0.0.1", DEFAULT_HTTP_PORT, null, 10_000, 10_000,
        60_000, 10_000, "gateway-" + UUID.randomUUID().toString().substring(0, 8), null, null, false,
        DEFAULT_SNI_DOMAIN, DEFAULT_MAX_CONNECTIONS_PER_ENDPOINT, 1, ReuseSettings.defaults());
  }

  public boolean tlsEnabled() {
    return tlsCertPath != null;
  }

  /**
   * The number of verticles to deploy. With TLS, one: in Vert.x 5.0.7 a listener that joins another
   * instance's port has no TLS context of its own, so {@code upgradeToSsl} fails on its connections.
   */
  public int effectiveInstances() {
    if (tlsEnabled()) {
      return 1;
    }
    return instances > 0 ? instances : Runtime.getRuntime().availableProcessors();
  }

  public GatewayConfig withPorts(int newPort, int newHttpPort) {
    return new GatewayConfig(host, newPort, httpHost, newHttpPort, defaultEndpoint, maxStartupPacketBytes,
        startupTimeoutMillis, wakeTimeoutMillis, computeConnectTimeoutMillis, gatewayId, tlsCertPath, tlsKeyPath,
        requireTls, sniDomain, maxConnectionsPerEndpoint, instances, reuse);
  }

  public GatewayConfig withHost(String newHost) {
    return new GatewayConfig(newHost, port, httpHost, httpPort, defaultEndpoint, maxStartupPacketBytes,
        startupTimeoutMillis, wakeTimeoutMillis, computeConnectTimeoutMillis, gatewayId, tlsCertPath, tlsKeyPath,
        requireTls, sniDomain, maxConnectionsPerEndpoint, instances, reuse);
  }

  public GatewayConfig withDefaultEndpoint(String endpoint) {
    return new GatewayConfig(host, port, httpHost, httpPort, endpoint, maxStartupPacketBytes,
        startupTimeoutMillis, wakeTimeoutMillis, computeConnectTimeoutMillis, gatewayId, tlsCertPath, tlsKeyPath,
        requireTls, sniDomain, maxConnectionsPerEndpoint, instances, reuse);
  }

  public GatewayConfig withTimeouts(long newStartupTimeoutMillis, long newWakeTimeoutMillis) {
    return new GatewayConfig(host, port, httpHost, httpPort, defaultEndpoint, maxStartupPacketBytes,
        newStartupTimeoutMillis, newWakeTimeoutMillis, computeConnectTimeoutMillis, gatewayId, tlsCertPath,
        tlsKeyPath, requireTls, sniDomain, maxConnectionsPerEndpoint, instances, reuse);
  }

  public GatewayConfig withGatewayId(String id) {
    return new GatewayConfig(host, port, httpHost, httpPort, defaultEndpoint, maxStartupPacketBytes,
        startupTimeoutMillis, wakeTimeoutMillis, computeConnectTimeoutMillis, id, tlsCertPath, tlsKeyPath,
        requireTls, sniDomain, maxConnectionsPerEndpoint, instances, reuse);
  }

  /** TLS with this certificate and key (PEM files); {@code required} refuses plain non-loopback clients. */
  public GatewayConfig withTls(String certPath, String keyPath, boolean required) {
    return new GatewayConfig(host, port, httpHost, httpPort, defaultEndpoint, maxStartupPacketBytes,
        startupTimeoutMillis, wakeTimeoutMillis, computeConnectTimeoutMillis, gatewayId, certPath, keyPath,
        required, sniDomain, maxConnectionsPerEndpoint, instances, reuse);
  }

  public GatewayConfig withSniDomain(String domain) {
    return new GatewayConfig(host, port, httpHost, httpPort, defaultEndpoint, maxStartupPacketBytes,
        startupTimeoutMillis, wakeTimeoutMillis, computeConnectTimeoutMillis, gatewayId, tlsCertPath, tlsKeyPath,
        requireTls, domain, maxConnectionsPerEndpoint, instances, reuse);
  }

  public GatewayConfig withMaxConnectionsPerEndpoint(int max) {
    return new GatewayConfig(host, port, httpHost, httpPort, defaultEndpoint, maxStartupPacketBytes,
        startupTimeoutMillis, wakeTimeoutMillis, computeConnectTimeoutMillis, gatewayId, tlsCertPath, tlsKeyPath,
        requireTls, sniDomain, max, instances, reuse);
  }

  public GatewayConfig withInstances(int count) {
    return new GatewayConfig(host, port, httpHost, httpPort, defaultEndpoint, maxStartupPacketBytes,
        startupTimeoutMillis, wakeTimeoutMillis, computeConnectTimeoutMillis, gatewayId, tlsCertPath, tlsKeyPath,
        requireTls, sniDomain, maxConnectionsPerEndpoint, count, reuse);
  }

  /** Other server-connection pool and cache settings. */
  public GatewayConfig withReuse(ReuseSettings settings) {
    return new GatewayConfig(host, port, httpHost, httpPort, defaultEndpoint, maxStartupPacketBytes,
        startupTimeoutMillis, wakeTimeoutMillis, computeConnectTimeoutMillis, gatewayId, tlsCertPath, tlsKeyPath,
        requireTls, sniDomain, maxConnectionsPerEndpoint, instances, settings);
  }

  private static void requirePort(String name, int value) {
    if (value < 0 || value > 65535) {
      throw new IllegalArgumentException(name + " must be 0..65535, got " + value);
    }
  }

  private static void requirePositive(String name, long value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be >= 1, got " + value);
    }
  }
}
