package dev.argondb.controlplane.api;

import dev.argondb.bus.Bus;
import dev.argondb.bus.BusAddresses;
import dev.argondb.bus.ComputeStopped;
import dev.argondb.bus.EndpointAddress;
import dev.argondb.bus.StopCompute;
import dev.argondb.bus.WakeEndpoint;
import dev.argondb.controlplane.ControlPlaneAddresses;
import dev.argondb.controlplane.ControlPlaneError;
import dev.argondb.controlplane.db.EndpointStore;
import dev.argondb.controlplane.db.TenantStore;
import dev.argondb.controlplane.db.TimelineStore;
import dev.argondb.controlplane.model.Ids;
import dev.argondb.controlplane.model.Timeline;
import dev.argondb.controlplane.pageserver.PageserverTimelines;
import dev.argondb.pgformat.Lsn;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code /v1/endpoints} and {@code /v1/tenants/:tenant_id/endpoints}. Start, stop and delete go over the
 * event bus to the endpoint lifecycle verticle, the same path as a gateway's wake, so they are
 * serialized with wakes and idle suspends.
 */
final class EndpointRoutes {
  /** Slack over the compute timeout, so the lifecycle verticle answers before the request times out. */
  private static final long BUS_SLACK_MILLIS = 5_000;

  private final Vertx vertx;
  private final TenantStore tenants;
  private final TimelineStore timelines;
  private final EndpointStore endpoints;
  /** Null without a pageserver: then there are no read-only endpoints. */
  private final PageserverTimelines pageserver;
  private final int defaultSuspendTimeoutSeconds;
  private final long requestTimeoutMillis;

  EndpointRoutes(Vertx vertx, TenantStore tenants, TimelineStore timelines, EndpointStore endpoints,
                 PageserverTimelines pageserver, int defaultSuspendTimeoutSeconds, long computeTimeoutMillis) {
    this.vertx = vertx;
    this.tenants = tenants;
    this.timelines = timelines;
    this.endpoints = endpoints;
    this.pageserver = pageserver;
    this.defaultSuspendTimeoutSeconds = defaultSuspendTimeoutSeconds;
    // A stop may wait for a start in progress and then stop: up to two compute operations.
    this.requestTimeoutMillis = 2 * computeTimeoutMillis + BUS_SLACK_MILLIS;
  }

  void mount(Router router) {
    router.get("/v1/endpoints").handler(this::listAll);
    router.get("/v1/tenants/:tenant_id/endpoints").handler(this::listOfTenant);
    router.post("/v1/tenants/:tenant_id/endpoints").handler(this::create);
    router.get("/v1/endpoints/:name").handler(this::show);
    router.patch("/v1/endpoints/:name").handler(this::update);
    router.post("/v1/endpoints/:name/start").handler(this::start);
    router.post("/v1/endpoints/:name/stop").handler(this::stop);
    router.delete("/v1/endpoints/:name").handler(this::delete);
  }

  private void listAll(RoutingContext rc) {
    Responses.reply(rc, 200, endpoints.list(), list -> JsonViews.list("endpoints", list, JsonViews::endpoint));
  }

  private void listOfTenant(RoutingContext rc) {
    String tenantId = InputRules.id("tenant_id", rc.pathParam("tenant_id"));
    Responses.reply(rc, 200, tenants.get(tenantId).compose(tenant -> endpoints.listByTenant(tenantId)),
        list -> JsonViews.list("endpoints", list, JsonViews::endpoint));
  }

  private void create(RoutingContext rc) {
    String tenantId = InputRules.id("tenant_id", rc.pathParam("tenant_id"));
    JsonBody body = JsonBody.of(rc);
    String name = InputRules.resourceName("name", body.requiredString("name"));
    String branchName = body.has("branch_name")
        ? InputRules.resourceName("branch_name", body.optionalString("branch_name")) : Timeline.MAIN;
    int suspendTimeout = body.has("suspend_timeout_seconds")
        ? InputRules.suspendTimeout(body.optionalInteger("suspend_timeout_seconds")) : defaultSuspendTimeoutSeconds;
    Boolean readOnly = body.optionalBoolean("read_only");
    if (!body.has("lsn")) {
      if (Boolean.TRUE.equals(readOnly)) {
        throw ControlPlaneError.badRequest("read-only endpoints need an lsn");
      }
      Responses.reply(rc, 201, tenants.get(tenantId)
              .compose(tenant -> timelines.getByName(tenantId, branchName))
              .compose(timeline -> endpoints.createReadWrite(Ids.newId(), name, timeline, suspendTimeout)),
          JsonViews::endpoint);
      return;
    }
    // An LSN pins the endpoint in the past: it can only read.
    long lsn = InputRules.lsn("lsn", body.optionalString("lsn"));
    if (Boolean.FALSE.equals(readOnly)) {
      throw ControlPlaneError.badRequest("an endpoint at an lsn is read-only; drop \"read_only\": false");
    }
    if (pageserver == null) {
      throw ControlPlaneError.badRequest("read-only endpoints need the pageserver (not configured)");
    }
    Responses.reply(rc, 201, tenants.get(tenantId)
            .compose(tenant -> timelines.getByName(tenantId, branchName))
            .compose(timeline -> pageserver.checkLsn(tenantId, timeline.id(), lsn,
                    dev.argondb.controlplane.pageserver.ReadOnlyEndpointLeases.LEASE_MILLIS)
                .compose(valid -> endpoints.createReadOnly(Ids.newId(), name, timeline, Lsn.format(lsn),
                    suspendTimeout))),
        JsonViews::endpoint);
  }

  private void show(RoutingContext rc) {
    String name = InputRules.resourceName("endpoint name", rc.pathParam("name"));
    Responses.reply(rc, 200, endpoints.getByName(name), JsonViews::endpoint);
  }

  private void update(RoutingContext rc) {
    String name = InputRules.resourceName("endpoint name", rc.pathParam("name"));
    JsonBody body = JsonBody.of(rc);
    if (!body.has("suspend_timeout_seconds")) {
      throw ControlPlaneError.badRequest("\"suspend_timeout_seconds\" is required");
    }
    int suspendTimeout = InputRules.suspendTimeout(body.optionalInteger("suspend_timeout_seconds"));
    Responses.reply(rc, 200, endpoints.updateSuspendTimeout(name, suspendTimeout), JsonViews::endpoint);
  }

  /** Exactly what a gateway's wake does; replies with the endpoint running at its address. */
  private void start(RoutingContext rc) {
    String name = InputRules.resourceName("endpoint name", rc.pathParam("name"));
    Responses.reply(rc, 200, Bus.request(vertx.eventBus(), BusAddresses.ENDPOINT_WAKE, new WakeEndpoint(name),
                EndpointAddress.class, requestTimeoutMillis)
            .compose(address -> endpoints.getByName(name)),
        JsonViews::endpoint);
  }

  /** Suspends now, whatever the connections (they are cut). */
  private void stop(RoutingContext rc) {
    String name = InputRules.resourceName("endpoint name", rc.pathParam("name"));
    Responses.reply(rc, 200, endpoints.getByName(name)
            .compose(endpoint -> Bus.request(vertx.eventBus(), ControlPlaneAddresses.ENDPOINT_SUSPEND,
                new StopCompute(endpoint.id(), false), ComputeStopped.class, requestTimeoutMillis))
            .compose(stopped -> endpoints.getByName(name)),
        JsonViews::endpoint);
  }

  /** Stops the compute first, then forgets the endpoint. */
  private void delete(RoutingContext rc) {
    String name = InputRules.resourceName("endpoint name", rc.pathParam("name"));
    Responses.noContent(rc, endpoints.getByName(name)
        .compose(endpoint -> Bus.request(vertx.eventBus(), ControlPlaneAddresses.ENDPOINT_DELETE, endpoint.id(),
            ComputeStopped.class, requestTimeoutMillis)));
  }
}
