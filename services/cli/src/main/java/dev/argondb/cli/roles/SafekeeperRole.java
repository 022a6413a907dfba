package dev.argondb.cli.roles;

import dev.argondb.safekeeper.SafekeeperConfig;
import dev.argondb.safekeeper.SafekeeperService;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;

/** One safekeeper: keeps timelines' WAL durable and serves it over gRPC. */
public final class SafekeeperRole implements ServiceRole<SafekeeperConfig, SafekeeperService.Handle> {

  @Override
  public String name() {
    return "safekeeper";
  }

  @Override
  public SafekeeperConfig defaults() {
    return SafekeeperConfig.defaults("sk1", Path.of("argon-data", "safekeeper"), 9711);
  }

  @Override
  public JsonObject toJson(SafekeeperConfig config) {
    return new JsonObject()
        .put("id", config.id())
        .put("data_dir", config.dataDir().toString())
        .put("host", config.host())
        .put("http_port", config.httpPort())
        .put("quorum", config.quorum())
        .put("wal_retention_margin_bytes", config.walRetentionMarginBytes());
  }

  @Override
  public SafekeeperConfig fromJson(JsonObject s) {
    return new SafekeeperConfig(s.getString("id"), Path.of(s.getString("data_dir")), s.getString("host"),
        s.getInteger("http_port"), s.getInteger("quorum"), s.getLong("wal_retention_margin_bytes"));
  }

  @Override
  public Future<SafekeeperService.Handle> deploy(Vertx vertx, SafekeeperConfig config,
                                                PrometheusMeterRegistry registry) {
    return SafekeeperService.deploy(vertx, config, registry);
  }

  @Override
  public String describe(SafekeeperConfig config, SafekeeperService.Handle handle) {
    return "safekeeper " + config.id() + ": gRPC, /metrics and /health on http://" + config.host() + ":"
        + handle.ref().grpcPort() + ", WAL in " + config.dataDir().toAbsolutePath();
  }
}
