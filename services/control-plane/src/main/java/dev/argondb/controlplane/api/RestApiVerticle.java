package dev.argondb.controlplane.api;

import dev.argondb.controlplane.wal.CommittedWal;
import dev.argondb.controlplane.wal.SafekeeperSet;
import dev.argondb.controlplane.ControlPlaneConfig;
import dev.argondb.controlplane.db.EndpointStore;
import dev.argondb.controlplane.db.RoleStore;
import dev.argondb.controlplane.db.TenantStore;
import dev.argondb.controlplane.db.TimelineStore;
import dev.argondb.controlplane.pageserver.PageserverTimelines;
import dev.argondb.controlplane.roles.ComputeRoleSync;
import dev.argondb.observability.ObservabilityRoutes;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.function.Supplier;

/** The control plane's HTTP server: the REST API under {@code /v1}, plus {@code /metrics} and {@code /health}. */
public final class RestApiVerticle extends VerticleBase {
  /** Request bodies are a few small fields. */
  private static final long MAX_BODY_BYTES = 64 * 1024;

  private final ControlPlaneConfig config;
  private final TenantStore tenants;
  private final TimelineStore timelines;
  private final EndpointStore endpoints;
  private final RoleStore roles;
  private final PrometheusMeterRegistry registry;
  private final Supplier<Future<JsonObject>> health;
  private HttpServer server;

  public RestApiVerticle(ControlPlaneConfig config, TenantStore tenants, TimelineStore timelines,
                         EndpointStore endpoints, RoleStore roles, PrometheusMeterRegistry registry,
                         Supplier<Future<JsonObject>> health) {
    this.config = config;
    this.tenants = tenants;
    this.timelines = timelines;
    this.endpoints = endpoints;
    this.roles = roles;
    this.registry = registry;
    this.health = health;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.route("/v1/*").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
    PageserverTimelines pageserver = config.pageserver() == null ? null : new PageserverTimelines(vertx.eventBus());
    new TenantRoutes(tenants, timelines, pageserver).mount(router);
    CommittedWal committedWal = config.safekeepers().isEmpty() ? null
        : new CommittedWal(vertx.eventBus(), new SafekeeperSet(config.safekeepers(), config.walQuorum()));
    new TimelineRoutes(tenants, timelines, pageserver, committedWal).mount(router);
    if (pageserver != null) {
      new SnapshotRoutes(tenants, timelines, pageserver, committedWal).mount(router);
    }
    new EndpointRoutes(vertx, tenants, timelines, endpoints, pageserver, config.defaultSuspendTimeoutSeconds(),
        config.computeStartTimeoutMillis()).mount(router);
    new RoleRoutes(vertx, tenants, roles,
        new ComputeRoleSync(vertx.eventBus(), endpoints, roles, config.computeStartTimeoutMillis())).mount(router);
    router.route("/v1/*").failureHandler(Responses::failure);
    router.errorHandler(404, rc -> Responses.noRoute(rc, 404));
    router.errorHandler(405, rc -> Responses.noRoute(rc, 405));
    ObservabilityRoutes.mount(router, "control-plane", registry, health);
    return vertx.createHttpServer(new HttpServerOptions().setHost(config.httpHost()).setPort(config.httpPort()))
        .requestHandler(router)
        .listen()
        .onSuccess(listening -> server = listening);
  }

  /** The port the server listens on (the chosen one when configured with 0). */
  public int actualPort() {
    return server.actualPort();
  }
}
