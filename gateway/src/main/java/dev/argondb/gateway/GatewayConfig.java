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
 * @param startupTimeoutMillis      how long a new connection may take to send its startup message
 * @param wakeTimeoutMillis         how long a connection waits for the control plane to wake its endpoint
 * @param computeConnectTimeoutMillis how long the TCP connect to a woken compute may take
 * @param gatewayId                 identifies this instance in activity events (one gateway of several)
 */
public record GatewayConfig(String host, int port, String httpHost, int httpPort, String defaultEndpoint,
                            int maxStartupPacketBytes, long startupTimeoutMillis, long wakeTimeoutMillis,
                            long computeConnectTimeoutMillis, String gatewayId) {

  public static final int DEFAULT_PORT = 55432;
  public static final int DEFAULT_HTTP_PORT = 9702;

  public GatewayConfig {
    requirePort("port", port);
    requirePort("httpPort", httpPort);
    if (maxStartupPacketBytes < 64) {
      throw new IllegalArgumentException("maxStartupPacketBytes must be >= 64, got " + maxStartupPacketBytes);
    }
    requirePositive("startupTimeoutMillis", startupTimeoutMillis);
    requirePositive("wakeTimeoutMillis", wakeTimeoutMillis);
    requirePositive("computeConnectTimeoutMillis", computeConnectTimeoutMillis);
    if (host == null || httpHost == null) {
      throw new IllegalArgumentException("host and httpHost are required");
    }
    if (gatewayId == null || gatewayId.isBlank()) {
      throw new IllegalArgumentException("gatewayId is required");
    }
    if (defaultEndpoint != null && defaultEndpoint.isBlank()) {
      defaultEndpoint = null;
    }
  }

  /** The local stack's settings, with a fresh random gateway id. */
  public static GatewayConfig defaults() {
    return new GatewayConfig("127.0.0.1", DEFAULT_PORT, "127.0.0.1", DEFAULT_HTTP_PORT, null, 10_000, 10_000,
        60_000, 10_000, "gateway-" + UUID.randomUUID().toString().substring(0, 8));
  }

  public GatewayConfig withPorts(int newPort, int newHttpPort) {
    return new GatewayConfig(host, newPort, httpHost, newHttpPort, defaultEndpoint, maxStartupPacketBytes,
        startupTimeoutMillis, wakeTimeoutMillis, computeConnectTimeoutMillis, gatewayId);
  }

  public GatewayConfig withDefaultEndpoint(String endpoint) {
    return new GatewayConfig(host, port, httpHost, httpPort, endpoint, maxStartupPacketBytes,
        startupTimeoutMillis, wakeTimeoutMillis, computeConnectTimeoutMillis, gatewayId);
  }

  public GatewayConfig withTimeouts(long newStartupTimeoutMillis, long newWakeTimeoutMillis) {
    return new GatewayConfig(host, port, httpHost, httpPort, defaultEndpoint, maxStartupPacketBytes,
        newStartupTimeoutMillis, newWakeTimeoutMillis, computeConnectTimeoutMillis, gatewayId);
  }

  public GatewayConfig withGatewayId(String id) {
    return new GatewayConfig(host, port, httpHost, httpPort, defaultEndpoint, maxStartupPacketBytes,
        startupTimeoutMillis, wakeTimeoutMillis, computeConnectTimeoutMillis, id);
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
