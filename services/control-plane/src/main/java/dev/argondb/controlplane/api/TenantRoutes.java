package dev.argondb.controlplane.api;

import dev.argondb.controlplane.ControlPlaneError;
import dev.argondb.controlplane.db.TenantStore;
import dev.argondb.controlplane.db.TimelineStore;
import dev.argondb.controlplane.model.Ids;
import dev.argondb.controlplane.model.Tenant;
import dev.argondb.controlplane.pageserver.PageserverTimelines;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /v1/tenants}: list, create (with its {@code main} timeline), show, and change settings ({@code PATCH}:
 * {@code pitr_interval}). The pageserver hears a tenant's settings before they are stored here: if it refuses,
 * nothing changes.
 */
final class TenantRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(TenantRoutes.class);

  private final TenantStore tenants;
  private final TimelineStore timelines;
  /** Null without a pageserver. */
  private final PageserverTimelines pageserver;

  TenantRoutes(TenantStore tenants, TimelineStore timelines, PageserverTimelines pageserver) {
    this.tenants = tenants;
    this.timelines = timelines;
    this.pageserver = pageserver;
  }

  void mount(Router router) {
    router.get("/v1/tenants").handler(this::list);
    router.post("/v1/tenants").handler(this::create);
    router.get("/v1/tenants/:tenant_id").handler(this::show);
    router.patch("/v1/tenants/:tenant_id").handler(this::change);
  }

  private void list(RoutingContext rc) {
    Responses.reply(rc, 200, tenants.list(), list -> JsonViews.list("tenants", list, JsonViews::tenant));
  }

  private void create(RoutingContext rc) {
    JsonBody body = JsonBody.of(rc);
    String tenantId = body.has("tenant_id") ? InputRules.id("tenant_id", body.optionalString("tenant_id")) : Ids.newId();
    long pitr = body.has("pitr_interval") ? InputRules.duration("pitr_interval", body.optionalString("pitr_interval"))
        : Tenant.DEFAULT_PITR_INTERVAL_SECONDS;
    Responses.reply(rc, 201, create(tenantId, pitr).compose(this::withTimelines), json -> json);
  }

  /** {@code PATCH /v1/tenants/:id} with {@code pitr_interval}: the pageserver first, then the row. */
  private void change(RoutingContext rc) {
    String tenantId = InputRules.id("tenant_id", rc.pathParam("tenant_id"));
    JsonBody body = JsonBody.of(rc);
    if (!body.has("pitr_interval")) {
      throw ControlPlaneError.badRequest("nothing to change: give \"pitr_interval\" (like 7d, 12h or 30s)");
    }
    long pitr = InputRules.duration("pitr_interval", body.optionalString("pitr_interval"));
    Responses.reply(rc, 200, tenants.get(tenantId).compose(exists -> pageserver == null
            ? Future.succeededFuture() : pageserver.configureTenant(tenantId, pitr))
        .compose(ok -> tenants.setPitrInterval(tenantId, pitr)).compose(this::withTimelines), json -> json);
  }

  /**
   * With a pageserver, {@code main} is created there first (an initdb); the rows follow only once it exists,
   * and if they cannot be stored the pageserver timeline is deleted again: no half-created tenant.
   */
  private Future<Tenant> create(String tenantId, long pitrIntervalSeconds) {
    if (pageserver == null) {
      return tenants.createWithMainTimeline(tenantId, Ids.newId(), pitrIntervalSeconds);
    }
    String mainId = Ids.newId();
    return tenants.exists(tenantId)
        .compose(exists -> exists
            ? Future.failedFuture(ControlPlaneError.conflict("tenant " + tenantId + " already exists"))
            : pageserver.createRoot(tenantId, mainId))
        .compose(created -> pageserver.configureTenant(tenantId, pitrIntervalSeconds)
            .compose(configured -> tenants.createWithMainTimeline(tenantId, mainId, pitrIntervalSeconds))
            .recover(failure -> pageserver.delete(tenantId, mainId).transform(deleted -> {
              if (deleted.failed()) {
                LOG.warn("Timeline {}/{} stays on the pageserver without a tenant: {}", tenantId, mainId,
                    deleted.cause().getMessage());
              }
              return Future.failedFuture(failure);
            })));
  }

  private void show(RoutingContext rc) {
    String tenantId = InputRules.id("tenant_id", rc.pathParam("tenant_id"));
    Responses.reply(rc, 200, tenants.get(tenantId).compose(this::withTimelines), json -> json);
  }

  private Future<JsonObject> withTimelines(Tenant tenant) {
    return timelines.listByTenant(tenant.id()).map(list -> JsonViews.tenantWithTimelines(tenant, list));
  }
}
