package dev.argondb.cli.roles;

import dev.argondb.compute.ComputeConfig;
import dev.argondb.compute.ComputeService;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The compute agent of one compute host: starts and stops Postgres per endpoint. */
public final class ComputeRole implements ServiceRole<ComputeConfig, ComputeService.Handle> {
  /** Relative to the working directory; the compose stack points it at a volume. */
  static final Path DEFAULT_DATA_ROOT = Path.of("argon-data", "computes");

  @Override
  public String name() {
    return "compute";
  }

  @Override
  public ComputeConfig defaults() {
    return ComputeConfig.defaults(DEFAULT_DATA_ROOT);
  }

  @Override
  public JsonObject toJson(ComputeConfig config) {
    return new JsonObject()
        .put("data_root", config.dataRoot().toString())
        .put("pg_bin_dir", config.pgBinDir())
        .put("compute_host", config.computeHost())
        .put("http_host", config.httpHost())
        .put("http_port", config.httpPort())
        .put("postgres_settings", new JsonObject(new LinkedHashMap<>(config.postgresSettings())))
        .put("start_timeout_millis", config.startTimeoutMillis())
        .put("stop_timeout_millis", config.stopTimeoutMillis())
        .put("stats_interval_millis", config.statsIntervalMillis())
        .put("lazy_min_bytes", config.lazyMinBytes());
  }

  @Override
  public ComputeConfig fromJson(JsonObject s) {
    Map<String, String> postgresSettings = new LinkedHashMap<>();
    s.getJsonObject("postgres_settings", new JsonObject())
        .forEach(entry -> postgresSettings.put(entry.getKey(), String.valueOf(entry.getValue())));
    return new ComputeConfig(Path.of(s.getString("data_root")), s.getString("pg_bin_dir"), s.getString("http_host"),
        s.getInteger("http_port"), Map.copyOf(postgresSettings), s.getLong("start_timeout_millis"),
        s.getLong("stop_timeout_millis"), s.getString("compute_host"), s.getLong("stats_interval_millis"),
        s.getLong("lazy_min_bytes", ComputeConfig.DEFAULT_LAZY_MIN_BYTES));
  }

  @Override
  public Future<ComputeService.Handle> deploy(Vertx vertx, ComputeConfig config, PrometheusMeterRegistry registry) {
    return ComputeService.deploy(vertx, config, registry);
  }

  @Override
  public String describe(ComputeConfig config, ComputeService.Handle handle) {
    return "computes on " + config.computeHost() + ", data in " + config.dataRoot().toAbsolutePath()
        + ", /metrics and /health on http://" + config.httpHost() + ":" + handle.httpPort();
  }
}
