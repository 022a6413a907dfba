package dev.argondb.controlplane.api;

import dev.argondb.controlplane.db.TenantStore;
import dev.argondb.controlplane.db.TimelineStore;
import dev.argondb.controlplane.model.Ids;
import dev.argondb.controlplane.model.Tenant;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** {@code /v1/tenants}: list, create (with its {@code main} timeline), show. */
final class TenantRoutes {
  private final TenantStore tenants;
  private final TimelineStore timelines;

  TenantRoutes(TenantStore tenants, TimelineStore timelines) {
    this.tenants = tenants;
    this.timelines = timelines;
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
    Responses.reply(rc, 201, tenants.createWithMainTimeline(tenantId).compose(this::withTimelines), json -> json);
  }

  private void show(RoutingContext rc) {
    String tenantId = InputRules.id("tenant_id", rc.pathParam("tenant_id"));
    Responses.reply(rc, 200, tenants.get(tenantId).compose(this::withTimelines), json -> json);
  }

  private Future<JsonObject> withTimelines(Tenant tenant) {
    return timelines.listByTenant(tenant.id()).map(list -> JsonViews.tenantWithTimelines(tenant, list));
  }
}
