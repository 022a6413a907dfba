package dev.argondb.controlplane.api;

import dev.argondb.bus.PageserverSnapshot;
import dev.argondb.controlplane.ControlPlaneError;
import dev.argondb.controlplane.db.TenantStore;
import dev.argondb.controlplane.db.TimelineStore;
import dev.argondb.controlplane.model.Timeline;
import dev.argondb.controlplane.pageserver.PageserverTimelines;
import dev.argondb.controlplane.wal.CommittedWal;
import dev.argondb.pgformat.Lsn;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;

/**
 * {@code /v1/tenants/:tenant_id/snapshots}: named (branch, LSN) points that GC keeps, so a branch can start there
 * later ({@code POST .../timelines} with {@code snapshot}). The pageserver owns them (one place for the fact); this
 * forwards. Create at a branch's current end (default), at {@code lsn} or at {@code time}; a branch with snapshots
 * cannot be deleted (409 naming them) until they are.
 */
final class SnapshotRoutes {
  private final TenantStore tenants;
  private final TimelineStore timelines;
  private final PageserverTimelines pageserver;
  private final PointResolver points;

  SnapshotRoutes(TenantStore tenants, TimelineStore timelines, PageserverTimelines pageserver,
                 CommittedWal committedWal) {
    this.tenants = tenants;
    this.timelines = timelines;
    this.pageserver = pageserver;
    this.points = new PointResolver(pageserver, committedWal);
  }

  void mount(Router router) {
    router.get("/v1/tenants/:tenant_id/snapshots").handler(this::list);
    router.post("/v1/tenants/:tenant_id/snapshots").handler(this::create);
    router.get("/v1/tenants/:tenant_id/snapshots/:name").handler(this::show);
    router.delete("/v1/tenants/:tenant_id/snapshots/:name").handler(this::delete);
  }

  private void list(RoutingContext rc) {
    String tenantId = InputRules.id("tenant_id", rc.pathParam("tenant_id"));
    Responses.reply(rc, 200, tenants.get(tenantId).compose(t -> pageserver.listSnapshots(tenantId)), list -> {
      JsonArray array = new JsonArray();
      list.snapshots().forEach(s -> array.add(view(s)));
      return new JsonObject().put("snapshots", array);
    });
  }

  private void show(RoutingContext rc) {
    String tenantId = InputRules.id("tenant_id", rc.pathParam("tenant_id"));
    String name = InputRules.snapshotName("name", rc.pathParam("name"));
    Responses.reply(rc, 200, tenants.get(tenantId).compose(t -> pageserver.listSnapshots(tenantId))
        .compose(list -> list.snapshots().stream().filter(s -> s.name().equals(name)).findFirst()
            .map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(notFound(tenantId, name)))),
        SnapshotRoutes::view);
  }

  /**
   * {@code name}, and the branch ({@code branch_name}, default main, or {@code timeline_id}), {@code lsn} or
   * {@code time}.
   */
  private void create(RoutingContext rc) {
    String tenantId = InputRules.id("tenant_id", rc.pathParam("tenant_id"));
    JsonBody body = JsonBody.of(rc);
    String name = InputRules.snapshotName("name", body.requiredString("name"));
    if (body.has("branch_name") && body.has("timeline_id")) {
      throw ControlPlaneError.badRequest("give at most one of \"branch_name\" and \"timeline_id\"");
    }
    if (body.has("lsn") && body.has("time")) {
      throw ControlPlaneError.badRequest("give at most one of \"lsn\" and \"time\"");
    }
    String timelineId = body.has("timeline_id") ? InputRules.id("timeline_id", body.optionalString("timeline_id"))
        : null;
    String branch = body.has("branch_name") ? InputRules.resourceName("branch_name", body.optionalString("branch_name"))
        : Timeline.MAIN;
    long lsn = body.has("lsn") ? InputRules.lsn("lsn", body.optionalString("lsn")) : 0;
    Instant time = body.has("time") ? InputRules.pointInTime("time", body.optionalString("time")) : null;
    Responses.reply(rc, 201, tenants.get(tenantId).compose(t -> timelines.listByTenant(tenantId))
        .compose(list -> list.stream()
            .filter(t -> timelineId != null ? t.id().equals(timelineId) : t.name().equals(branch)).findFirst()
            .map(Future::succeededFuture)
            .orElseGet(() -> Future.failedFuture(ControlPlaneError.notFound(timelineId != null
                ? "timeline " + timelineId + " not found in tenant " + tenantId
                : "branch \"" + branch + "\" not found in tenant " + tenantId))))
        .compose(timeline -> points.lsn(timeline, lsn, time)
            .compose(at -> pageserver.createSnapshot(tenantId, timeline.id(), name, at))), SnapshotRoutes::view);
  }

  private void delete(RoutingContext rc) {
    String tenantId = InputRules.id("tenant_id", rc.pathParam("tenant_id"));
    String name = InputRules.snapshotName("name", rc.pathParam("name"));
    Responses.noContent(rc, tenants.get(tenantId).compose(t -> pageserver.deleteSnapshot(tenantId, name)));
  }

  private static ControlPlaneError notFound(String tenantId, String name) {
    return ControlPlaneError.notFound("tenant " + tenantId + " has no snapshot named \"" + name + "\"");
  }

  static JsonObject view(PageserverSnapshot snapshot) {
    return new JsonObject().put("name", snapshot.name()).put("timeline_id", snapshot.timelineId())
        .put("lsn", Lsn.format(snapshot.lsn()))
        .put("created_at", Instant.ofEpochMilli(snapshot.createdEpochMillis()).toString());
  }
}
