package dev.argondb.controlplane.api;

import dev.argondb.controlplane.ControlPlaneError;
import dev.argondb.controlplane.db.TenantStore;
import dev.argondb.controlplane.db.TimelineStore;
import dev.argondb.controlplane.model.Ids;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** {@code /v1/tenants/:tenant_id/timelines}: list and create root timelines (branches). */
final class TimelineRoutes {
  /** Fields that ask for a branch of an ancestor (Neon's names included). */
  private static final List<String> ANCESTOR_FIELDS = List.of("ancestor_timeline_id", "ancestor_lsn",
      "ancestor_start_lsn", "parent_id", "parent_lsn", "parent_timestamp");

  private final TenantStore tenants;
  private final TimelineStore timelines;

  TimelineRoutes(TenantStore tenants, TimelineStore timelines) {
    this.tenants = tenants;
    this.timelines = timelines;
  }

  void mount(Router router) {
    router.get("/v1/tenants/:tenant_id/timelines").handler(this::list);
    router.post("/v1/tenants/:tenant_id/timelines").handler(this::create);
  }

  private void list(RoutingContext rc) {
    String tenantId = InputRules.id("tenant_id", rc.pathParam("tenant_id"));
    Responses.reply(rc, 200, tenants.get(tenantId).compose(tenant -> timelines.listByTenant(tenantId)),
        list -> JsonViews.list("timelines", list, JsonViews::timeline));
  }

  private void create(RoutingContext rc) {
    String tenantId = InputRules.id("tenant_id", rc.pathParam("tenant_id"));
    JsonBody body = JsonBody.of(rc);
    String name = InputRules.resourceName("name", body.requiredString("name"));
    for (String field : ANCESTOR_FIELDS) {
      if (body.has(field)) {
        throw ControlPlaneError.badRequest("branching from an ancestor needs the pageserver (not available yet)");
      }
    }
    String timelineId = body.has("timeline_id")
        ? InputRules.id("timeline_id", body.optionalString("timeline_id")) : Ids.newId();
    Responses.reply(rc, 201, tenants.get(tenantId).compose(tenant -> timelines.createRoot(tenantId, timelineId, name)),
        JsonViews::timeline);
  }
}
