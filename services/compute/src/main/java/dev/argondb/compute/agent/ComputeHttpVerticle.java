package dev.argondb.compute.agent;

import dev.argondb.compute.ComputeConfig;
import dev.argondb.observability.ObservabilityRoutes;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/** The agent's HTTP face: {@code /metrics}, {@code /health} and {@code GET /v1/computes}. */
public final class ComputeHttpVerticle extends VerticleBase {
  private final ComputeConfig config;
  private final PrometheusMeterRegistry registry;
  private final ComputeAgentVerticle agent;
  private HttpServer server;

  public ComputeHttpVerticle(ComputeConfig config, PrometheusMeterRegistry registry, ComputeAgentVerticle agent) {
    this.config = config;
    this.registry = registry;
    this.agent = agent;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    ObservabilityRoutes.mount(router, "compute", registry,
        () -> Future.succeededFuture(new JsonObject().put("computes", agent.computes().size())));
    router.get("/v1/computes").handler(rc -> {
      JsonArray list = new JsonArray();
      for (RunningCompute compute : agent.computes()) {
        long[] lazy = agent.lazyProgress(compute.endpointId());
        list.add(new JsonObject().put("endpoint_id", compute.endpointId()).put("endpoint", compute.endpointName())
            .put("state", compute.state().label()).put("port", compute.port() == 0 ? null : compute.port())
            .put("lazy_local_bytes", lazy == null ? null : lazy[0]).put("lazy_bytes", lazy == null ? null : lazy[1]));
      }
      rc.response().putHeader("content-type", "application/json").end(new JsonObject().put("computes", list).encode());
    });
    return vertx.createHttpServer().requestHandler(router).listen(config.httpPort(), config.httpHost())
        .onSuccess(s -> server = s);
  }

  public int actualPort() {
    return server.actualPort();
  }
}
