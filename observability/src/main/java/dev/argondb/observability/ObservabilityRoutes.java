package dev.argondb.observability;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.function.Supplier;

/** {@code GET /metrics} (Prometheus text format) and {@code GET /health} for a service's router. */
public final class ObservabilityRoutes {
  private ObservabilityRoutes() {}

  /**
   * @param health completes with details when the service is healthy, fails otherwise (503).
   */
  public static void mount(Router router, String service, PrometheusMeterRegistry registry,
                           Supplier<Future<JsonObject>> health) {
    router.get("/metrics").handler(rc -> rc.response()
        .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
        .end(registry.scrape()));
    router.get("/health").handler(rc -> health.get().onComplete(result -> {
      JsonObject body = new JsonObject().put("service", service);
      if (result.succeeded()) {
        body.put("status", "ok").put("details", result.result());
        rc.response().putHeader("content-type", "application/json").end(body.encode());
      } else {
        body.put("status", "unhealthy").put("error", String.valueOf(result.cause().getMessage()));
        rc.response().setStatusCode(503).putHeader("content-type", "application/json").end(body.encode());
      }
    }));
  }
}
