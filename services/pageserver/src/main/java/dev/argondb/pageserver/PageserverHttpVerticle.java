package dev.argondb.pageserver;

import dev.argondb.observability.ObservabilityRoutes;
import dev.argondb.pageserver.basebackup.BasebackupService;
import dev.argondb.pageserver.pages.PagesService;
import dev.argondb.pageserver.timeline.Timelines;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.grpc.server.GrpcServer;

/**
 * The pageserver's HTTP server: gRPC {@code Pageserver} (basebackups and the pages of their lazy files),
 * {@code /metrics} and {@code /health}. Stopping it lets go of the image chains page reads kept open.
 */
public final class PageserverHttpVerticle extends VerticleBase {
  private final PageserverConfig config;
  private final Timelines timelines;
  private final BasebackupService basebackups;
  private final PagesService pages;
  private final PrometheusMeterRegistry registry;
  private HttpServer server;

  public PageserverHttpVerticle(PageserverConfig config, Timelines timelines, BasebackupService basebackups,
                                PagesService pages, PrometheusMeterRegistry registry) {
    this.config = config;
    this.timelines = timelines;
    this.basebackups = basebackups;
    this.pages = pages;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    GrpcServer grpc = GrpcServer.server(vertx);
    basebackups.mount(grpc);
    pages.mount(grpc);
    Router router = Router.router(vertx);
    router.route().consumes("application/grpc").handler(rc -> grpc.handle(rc.request()));
    ObservabilityRoutes.mount(router, "pageserver", registry,
        () -> Future.succeededFuture(new JsonObject().put("timelines", timelines.all().size())));
    return vertx.createHttpServer().requestHandler(router).listen(config.httpPort(), config.host())
        .onSuccess(s -> server = s);
  }

  @Override
  public Future<?> stop() {
    pages.close();
    return Future.succeededFuture();
  }

  public int actualPort() {
    return server.actualPort();
  }
}
