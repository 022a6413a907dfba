package dev.argondb.cli.stack;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/**
 * The local stack's own admin API, for what only the process that hosts the services can do:
 * {@code GET /v1/safekeepers} (each with its timelines), {@code POST /v1/safekeepers/{id}/stop|start}.
 */
public final class StackAdminVerticle extends VerticleBase {
  private final int port;
  private final LocalSafekeepers safekeepers;
  private HttpClient http;

  private StackAdminVerticle(int port, LocalSafekeepers safekeepers) {
    this.port = port;
    this.safekeepers = safekeepers;
  }

  static Future<String> deploy(Vertx vertx, int port, LocalSafekeepers safekeepers) {
    return vertx.deployVerticle(new StackAdminVerticle(port, safekeepers));
  }

  @Override
  public Future<?> start() {
    http = vertx.createHttpClient();
    Router router = Router.router(vertx);
    router.get("/v1/safekeepers").handler(this::list);
    router.post("/v1/safekeepers/:id/stop").handler(rc -> answer(rc, safekeepers.stop(rc.pathParam("id"))));
    router.post("/v1/safekeepers/:id/start").handler(rc -> answer(rc, safekeepers.start(rc.pathParam("id")).mapEmpty()));
    return vertx.createHttpServer().requestHandler(router).listen(port, "127.0.0.1");
  }

  private void answer(RoutingContext rc, Future<Void> outcome) {
    outcome.onSuccess(done -> json(rc, 200, new JsonObject().put("id", rc.pathParam("id"))
            .put("running", safekeepers.isRunning(rc.pathParam("id")))))
        .onFailure(failure -> json(rc, 404, new JsonObject().put("error", failure.getMessage())));
  }

  /** Each safekeeper with the timelines its own {@code /v1/timelines} reports (none while stopped). */
  private void list(RoutingContext rc) {
    List<Future<JsonObject>> entries = new ArrayList<>();
    for (String id : safekeepers.ids()) {
      var ref = safekeepers.ref(id);
      JsonObject entry = new JsonObject().put("id", id).put("address", ref.host() + ":" + ref.grpcPort())
          .put("running", safekeepers.isRunning(id));
      if (!safekeepers.isRunning(id)) {
        entries.add(Future.succeededFuture(entry.put("timelines", new JsonArray())));
        continue;
      }
      entries.add(http.request(HttpMethod.GET, ref.grpcPort(), ref.host(), "/v1/timelines")
          .compose(request -> request.send())
          .compose(response -> response.body())
          .map(body -> entry.put("timelines", body.toJsonObject().getJsonArray("timelines")))
          .otherwise(error -> entry.put("timelines", new JsonArray()).put("error", error.getMessage())));
    }
    Future.join(entries).onComplete(done -> {
      JsonArray list = new JsonArray();
      entries.forEach(entry -> list.add(entry.result()));
      json(rc, 200, new JsonObject().put("safekeepers", list));
    });
  }

  private static void json(RoutingContext rc, int status, JsonObject body) {
    rc.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
  }
}
