package dev.argondb.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gateway's meters. Prometheus names:
 * <ul>
 *   <li>{@code argon_gateway_client_connections}: open client sockets, in any phase</li>
 *   <li>{@code argon_gateway_connections_waking}: connections waiting for their endpoint to wake</li>
 *   <li>{@code argon_gateway_connections_active{endpoint}}: connections being relayed to a compute</li>
 *   <li>{@code argon_gateway_connections_total{endpoint,outcome}}: connections by {@link ConnectionOutcome}</li>
 *   <li>{@code argon_gateway_wake_duration_seconds{endpoint,outcome}}: wake requests (histogram)</li>
 *   <li>{@code argon_gateway_relayed_bytes_total{endpoint,direction}}: bytes relayed, by direction</li>
 *   <li>{@code argon_gateway_auth_failures_total{endpoint,reason}}: failed logins (wrong_password, unknown_role)</li>
 *   <li>{@code argon_gateway_startups_total{transport}}: startup messages received over tls or plain TCP</li>
 *   <li>{@code argon_gateway_relay_latency_seconds{endpoint}}: from a client's bytes reaching the gateway to the
 *   compute's first answer going back (histogram): a query's round trip as the gateway sees it</li>
 *   <li>{@code argon_gateway_pooled_connections}: idle server connections in the gateway's pools</li>
 *   <li>{@code argon_gateway_pool_checkouts_total{outcome=hit|miss}}: logins served from the pool, or not</li>
 * </ul>
 * One instance serves every gateway verticle of a deployment (meters are registered once, counters are
 * thread-safe).
 * Connections with no endpoint (garbage, unknown cancel keys) carry {@code endpoint="none"}.
 */
public final class GatewayMetrics {
  public static final String NO_ENDPOINT = "none";

  /** Direction of relayed bytes. */
  public enum Direction {
    CLIENT_TO_COMPUTE("client_to_compute"), COMPUTE_TO_CLIENT("compute_to_client");

    private final String label;

    Direction(String label) {
      this.label = label;
    }
  }

  private final MeterRegistry registry;
  private final Duration maxWake;
  private final AtomicInteger clientConnections = new AtomicInteger();
  private final AtomicInteger waking = new AtomicInteger();
  private final AtomicInteger pooled = new AtomicInteger();
  private final Counter poolHits;
  private final Counter poolMisses;

  public GatewayMetrics(MeterRegistry registry, Duration maxWake) {
    this.registry = registry;
    this.maxWake = maxWake;
    Gauge.builder("argon.gateway.client.connections", clientConnections, AtomicInteger::get)
        .description("Open client connections, in any phase").strongReference(true).register(registry);
    Gauge.builder("argon.gateway.connections.waking", waking, AtomicInteger::get)
        .description("Client connections waiting for their endpoint to wake").strongReference(true)
        .register(registry);
    Gauge.builder("argon.gateway.pooled.connections", pooled, AtomicInteger::get)
        .description("Idle server connections kept for the next client").strongReference(true).register(registry);
    poolHits = Counter.builder("argon.gateway.pool.checkouts").description("Logins by whether the pool served them")
        .tag("outcome", "hit").register(registry);
    poolMisses = Counter.builder("argon.gateway.pool.checkouts").description("Logins by whether the pool served them")
        .tag("outcome", "miss").register(registry);
  }

  public int pooledConnections() {
    return pooled.get();
  }

  void pooledConnections(int delta) {
    pooled.addAndGet(delta);
  }

  void poolCheckout(boolean hit) {
    (hit ? poolHits : poolMisses).increment();
  }

  public int clientConnections() {
    return clientConnections.get();
  }

  void clientConnected() {
    clientConnections.incrementAndGet();
  }

  void clientDisconnected() {
    clientConnections.decrementAndGet();
  }

  void wakeWaitStarted() {
    waking.incrementAndGet();
  }

  void wakeWaitEnded() {
    waking.decrementAndGet();
  }

  /** Publishes {@code count} as the endpoint's active-connections gauge; the caller keeps it up to date. */
  void trackActiveConnections(String endpoint, AtomicInteger count) {
    Gauge.builder("argon.gateway.connections.active", count, AtomicInteger::get)
        .description("Client connections relayed to the endpoint's compute")
        .tag("endpoint", endpoint).strongReference(true).register(registry);
  }

  void connectionOutcome(String endpoint, ConnectionOutcome outcome) {
    Counter.builder("argon.gateway.connections").description("Client connections by outcome")
        .tag("endpoint", endpoint).tag("outcome", outcome.label()).register(registry).increment();
  }

  void wakeFinished(String endpoint, boolean succeeded, long elapsedNanos) {
    Timer.builder("argon.gateway.wake.duration").description("Wake requests to the control plane")
        .tag("endpoint", endpoint).tag("outcome", succeeded ? "success" : "failure")
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(maxWake)
        .register(registry).record(elapsedNanos, TimeUnit.NANOSECONDS);
  }

  void authFailure(String endpoint, String reason) {
    Counter.builder("argon.gateway.auth.failures").description("Failed client logins at the gateway")
        .tag("endpoint", endpoint == null ? NO_ENDPOINT : endpoint).tag("reason", reason)
        .register(registry).increment();
  }

  void startup(boolean tls) {
    Counter.builder("argon.gateway.startups").description("Startup messages by transport")
        .tag("transport", tls ? "tls" : "plain").register(registry).increment();
  }

  Timer relayLatency(String endpoint) {
    return Timer.builder("argon.gateway.relay.latency")
        .description("Client bytes in to the compute's first answer out, per round trip")
        .tag("endpoint", endpoint).publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofNanos(50_000)).maximumExpectedValue(Duration.ofSeconds(60))
        .register(registry);
  }

  Counter relayedBytes(String endpoint, Direction direction) {
    return Counter.builder("argon.gateway.relayed").baseUnit(BaseUnits.BYTES).description("Bytes relayed")
        .tag("endpoint", endpoint).tag("direction", direction.label).register(registry);
  }
}
