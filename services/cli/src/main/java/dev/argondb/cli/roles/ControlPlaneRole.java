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
        .put("compute_start_timeout_millis", config.computeStartTimeoutMillis())
        .put("safekeepers", safekeepersJson(config.safekeepers()))
        .put("wal_quorum", config.walQuorum())
        .put("pageserver", config.pageserver() == null ? null : new JsonObject()
            .put("host", config.pageserver().host()).put("grpc_port", config.pageserver().grpcPort()));
  }

  /** Each safekeeper as {@code {"id", "host", "grpc_port"}}. */
  private static io.vertx.core.json.JsonArray safekeepersJson(java.util.List<dev.argondb.bus.SafekeeperRef> refs) {
    io.vertx.core.json.JsonArray array = new io.vertx.core.json.JsonArray();
    refs.forEach(ref -> array.add(new JsonObject().put("id", ref.id()).put("host", ref.host())
        .put("grpc_port", ref.grpcPort())));
    return array;
  }

  private static java.util.List<dev.argondb.bus.SafekeeperRef> safekeepers(io.vertx.core.json.JsonArray array) {
    java.util.List<dev.argondb.bus.SafekeeperRef> refs = new java.util.ArrayList<>();
    for (int i = 0; array != null && i < array.size(); i++) {
      JsonObject ref = array.getJsonObject(i);
      refs.add(new dev.argondb.bus.SafekeeperRef(ref.getString("id"), ref.getString("host"), ref.getInteger("grpc_port")));
    }
    return refs;
  }

  private static dev.argondb.bus.PageserverRef pageserver(JsonObject ref) {
    return ref == null ? null : new dev.argondb.bus.PageserverRef(ref.getString("host"), ref.getInteger("grpc_port"));
  }

  @Override
  public ControlPlaneConfig fromJson(JsonObject s) {
    return new ControlPlaneConfig(s.getString("http_host"), s.getInteger("http_port"), s.getString("database_url"),
        s.getInteger("default_suspend_timeout_seconds"), s.getLong("idle_check_interval_millis"),
        s.getLong("compute_start_timeout_millis"), safekeepers(s.getJsonArray("safekeepers")),
        s.getInteger("wal_quorum"), pageserver(s.getJsonObject("pageserver")));
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
