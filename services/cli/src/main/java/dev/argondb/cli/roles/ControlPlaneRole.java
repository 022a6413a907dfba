package dev.argondb.cli.roles;

import dev.argondb.controlplane.ControlPlaneConfig;
import dev.argondb.controlplane.ControlPlaneHandle;
import dev.argondb.controlplane.ControlPlaneService;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/** The control plane: REST API, endpoint lifecycle, idle suspend; its state in its own Postgres. */
public final class ControlPlaneRole implements ServiceRole<ControlPlaneConfig, ControlPlaneHandle> {

  @Override
  public String name() {
    return "control-plane";
  }

  @Override
  public ControlPlaneConfig defaults() {
    return ControlPlaneConfig.defaults();
  }

  @Override
  public JsonObject toJson(ControlPlaneConfig config) {
    return new JsonObject()
        .put("http_host", config.httpHost())
        .put("http_port", config.httpPort())
        .put("database_url", config.databaseUrl())
        .put("default_suspend_timeout_seconds", config.defaultSuspendTimeoutSeconds())
        .put("idle_check_interval_millis", config.idleCheckIntervalMillis())
        .put("compute_start_timeout_millis", config.computeStartTimeoutMillis());
  }

  @Override
  public ControlPlaneConfig fromJson(JsonObject s) {
    return new ControlPlaneConfig(s.getString("http_host"), s.getInteger("http_port"), s.getString("database_url"),
        s.getInteger("default_suspend_timeout_seconds"), s.getLong("idle_check_interval_millis"),
        s.getLong("compute_start_timeout_millis"));
  }

  @Override
  public Future<ControlPlaneHandle> deploy(Vertx vertx, ControlPlaneConfig config, PrometheusMeterRegistry registry) {
    return ControlPlaneService.deploy(vertx, config, registry);
  }

  @Override
  public String describe(ControlPlaneConfig config, ControlPlaneHandle handle) {
    return "REST API, /metrics and /health on http://" + config.httpHost() + ":" + handle.httpPort();
  }
}
