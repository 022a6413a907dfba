package dev.argondb.cli.roles;

import dev.argondb.gateway.GatewayConfig;
import dev.argondb.gateway.GatewayHandle;
import dev.argondb.gateway.GatewayService;
import dev.argondb.gateway.ReuseSettings;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/** The Postgres-protocol gateway clients connect to. */
public final class GatewayRole implements ServiceRole<GatewayConfig, GatewayHandle> {

  @Override
  public String name() {
    return "gateway";
  }

  @Override
  public GatewayConfig defaults() {
    return GatewayConfig.defaults();
  }

  @Override
  public JsonObject toJson(GatewayConfig config) {
    return new JsonObject()
        .put("host", config.host())
        .put("port", config.port())
        .put("http_host", config.httpHost())
        .put("http_port", config.httpPort())
        .put("default_endpoint", config.defaultEndpoint())
        .put("max_startup_packet_bytes", config.maxStartupPacketBytes())
        .put("startup_timeout_millis", config.startupTimeoutMillis())
        .put("wake_timeout_millis", config.wakeTimeoutMillis())
        .put("compute_connect_timeout_millis", config.computeConnectTimeoutMillis())
        .put("gateway_id", config.gatewayId())
        .put("tls_cert_path", config.tlsCertPath())
        .put("tls_key_path", config.tlsKeyPath())
        .put("require_tls", config.requireTls())
        .put("sni_domain", config.sniDomain())
        .put("max_connections_per_endpoint", config.maxConnectionsPerEndpoint())
        .put("instances", config.instances())
        .put("pool_size_per_key", config.reuse().poolSizePerKey())
        .put("pool_idle_millis", config.reuse().poolIdleMillis())
        .put("verifier_ttl_millis", config.reuse().verifierTtlMillis())
        .put("address_ttl_millis", config.reuse().addressTtlMillis());
  }

  @Override
  public GatewayConfig fromJson(JsonObject s) {
    return new GatewayConfig(s.getString("host"), s.getInteger("port"), s.getString("http_host"),
        s.getInteger("http_port"), s.getString("default_endpoint"), s.getInteger("max_startup_packet_bytes"),
        s.getLong("startup_timeout_millis"), s.getLong("wake_timeout_millis"),
        s.getLong("compute_connect_timeout_millis"), s.getString("gateway_id"), s.getString("tls_cert_path"),
        s.getString("tls_key_path"), s.getBoolean("require_tls"), s.getString("sni_domain"),
        s.getInteger("max_connections_per_endpoint"), s.getInteger("instances"),
        new ReuseSettings(s.getInteger("pool_size_per_key"), s.getLong("pool_idle_millis"),
            s.getLong("verifier_ttl_millis"), s.getLong("address_ttl_millis")));
  }

  @Override
  public Future<GatewayHandle> deploy(Vertx vertx, GatewayConfig config, PrometheusMeterRegistry registry) {
    return GatewayService.deploy(vertx, config, registry);
  }

  @Override
  public String describe(GatewayConfig config, GatewayHandle handle) {
    return "Postgres on " + config.host() + ":" + handle.port() + ", /metrics and /health on http://"
        + config.httpHost() + ":" + handle.httpPort();
  }
}
