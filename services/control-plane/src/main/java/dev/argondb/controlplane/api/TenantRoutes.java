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

/** {@code /v1/tenants}: list, create (with its {@code main} timeline), show. */
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
  }

  private void list(RoutingContext rc) {
    Responses.reply(rc, 200, tenants.list(), list -> JsonViews.list("tenants", list, JsonViews::tenant));
  }

  private void create(RoutingContext rc) {
    JsonBody body = JsonBody.of(rc);
    String tenantId = body.has("tenant_id") ? InputRules.id("tenant_id", body.optionalString("tenant_id")) : Ids.newId();
    Responses.reply(rc, 201, create(tenantId).compose(this::withTimelines), json -> json);
  }

  /**
   * With a pageserver, {@code main} is created there first (an initdb); the rows follow only once it exists,
   * and if they cannot be stored the pageserver timeline is deleted again: no half-created tenant.
   */
  private Future<Tenant> create(String tenantId) {
    if (pageserver == null) {
      return tenants.createWithMainTimeline(tenantId);
    }
    String mainId = Ids.newId();
    return tenants.exists(tenantId)
        .compose(exists -> exists
            ? Future.failedFuture(ControlPlaneError.conflict("tenant " + tenantId + " already exists"))
            : pageserver.createRoot(tenantId, mainId))
        .compose(created -> tenants.createWithMainTimeline(tenantId, mainId)
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
