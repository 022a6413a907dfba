package dev.argondb.cli.roles;

import dev.argondb.pageserver.PageserverConfig;
import dev.argondb.pageserver.PageserverService;
import dev.argondb.pageserver.remote.RemoteStorageConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;

/** The pageserver: timelines, WAL ingest from the safekeepers, basebackups at any LSN over gRPC. */
public final class PageserverRole implements ServiceRole<PageserverConfig, PageserverService.Handle> {
  /** The local stack's pageserver port (after the safekeepers' 9711-9713). */
  static final int DEFAULT_PORT = 9714;

  @Override
  public String name() {
    return "pageserver";
  }

  @Override
  public PageserverConfig defaults() {
    // No remote storage unless configured: a relative default directory would be shared by every pageserver
    // started in the same working directory (the one-JVM local stack uses <argon home>/remote).
    return PageserverConfig.defaults(Path.of("argon-data", "pageserver"), DEFAULT_PORT);
  }

  @Override
  public JsonObject toJson(PageserverConfig config) {
    return new JsonObject()
        .put("data_dir", config.dataDir().toString())
        .put("host", config.host())
        .put("http_port", config.httpPort())
        .put("pg_bin_dir", config.pgBinDir())
        .put("image_roll_forward_bytes", config.imageRollForwardBytes())
        .put("ingest_sync_millis", config.ingestSyncMillis())
        .put("reconnect_millis", config.reconnectMillis())
        .put("redo_concurrency", config.redoConcurrency())
        .put("redo_check_millis", config.redoCheckMillis())
        .put("basebackup_wait_millis", config.basebackupWaitMillis())
        .put("remote_storage", config.remoteStorage().toJson())
        .put("layer_cache_bytes", config.layerCacheBytes())
        .put("gc_period_millis", config.gcPeriodMillis())
        .put("max_delta_chain", config.maxDeltaChain());
  }

  @Override
  public PageserverConfig fromJson(JsonObject s) {
    return new PageserverConfig(Path.of(s.getString("data_dir")), s.getString("host"), s.getInteger("http_port"),
        s.getString("pg_bin_dir"), s.getLong("image_roll_forward_bytes"), s.getLong("ingest_sync_millis"),
        s.getLong("reconnect_millis"), s.getInteger("redo_concurrency"), s.getLong("redo_check_millis"),
        s.getLong("basebackup_wait_millis"), RemoteStorageConfig.fromJson(s.getJsonObject("remote_storage")),
        s.getLong("layer_cache_bytes", PageserverConfig.DEFAULT_LAYER_CACHE_BYTES),
        s.getLong("gc_period_millis", PageserverConfig.DEFAULT_GC_PERIOD_MILLIS),
        s.getInteger("max_delta_chain", PageserverConfig.DEFAULT_MAX_DELTA_CHAIN));
  }

  @Override
  public Future<PageserverService.Handle> deploy(Vertx vertx, PageserverConfig config,
                                                PrometheusMeterRegistry registry) {
    return PageserverService.deploy(vertx, config, registry);
  }

  @Override
  public String describe(PageserverConfig config, PageserverService.Handle handle) {
    return "pageserver: gRPC, /metrics and /health on http://" + handle.host() + ":" + handle.port()
        + ", timelines in " + config.dataDir().toAbsolutePath();
  }
}
