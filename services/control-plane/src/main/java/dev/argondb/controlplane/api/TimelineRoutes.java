package dev.argondb.controlplane.api;

import dev.argondb.controlplane.ControlPlaneError;
import dev.argondb.controlplane.db.TenantStore;
import dev.argondb.controlplane.db.TimelineStore;
import dev.argondb.controlplane.model.Ids;
import dev.argondb.controlplane.model.Timeline;
import dev.argondb.controlplane.pageserver.PageserverTimelines;
import dev.argondb.controlplane.wal.CommittedWal;
import dev.argondb.pgformat.Lsn;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /v1/tenants/:tenant_id/timelines}: list, branch, delete. With a pageserver every new timeline is a
 * branch of an ancestor (by default the tenant's {@code main}) at its latest LSN, at a given LSN or at the
 * last commit before a given time; the pageserver creates it (metadata only) and then the row is stored.
 * Without a pageserver only root timelines exist, as before.
 */
final class TimelineRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(TimelineRoutes.class);
  /** Fields that ask for a branch of an ancestor (Neon's names included). */
  private static final List<String> ANCESTOR_FIELDS = List.of("ancestor_timeline_id", "ancestor_branch_name",
      "ancestor_lsn", "ancestor_start_lsn", "ancestor_start_time", "parent_id", "parent_lsn", "parent_timestamp");

  private final TenantStore tenants;
  private final TimelineStore timelines;
  /** Null without a pageserver. */
  private final PageserverTimelines pageserver;
  /** Null without safekeepers. */
  private final CommittedWal committedWal;

  TimelineRoutes(TenantStore tenants, TimelineStore timelines, PageserverTimelines pageserver,
                 CommittedWal committedWal) {
    this.tenants = tenants;
    this.timelines = timelines;
    this.pageserver = pageserver;
    this.committedWal = committedWal;
  }

  void mount(Router router) {
    router.get("/v1/tenants/:tenant_id/timelines").handler(this::list);
    router.post("/v1/tenants/:tenant_id/timelines").handler(this::create);
    router.delete("/v1/tenants/:tenant_id/timelines/:timeline_id").handler(this::delete);
  }

  private void list(RoutingContext rc) {
    String tenantId = InputRules.id("tenant_id", rc.pathParam("tenant_id"));
    Responses.reply(rc, 200, tenants.get(tenantId).compose(tenant -> timelines.listByTenant(tenantId)),
        JsonViews::timelines);
  }

  private void create(RoutingContext rc) {
    String tenantId = InputRules.id("tenant_id", rc.pathParam("tenant_id"));
    JsonBody body = JsonBody.of(rc);
    String name = InputRules.resourceName("name", body.requiredString("name"));
    String timelineId = body.has("timeline_id")
        ? InputRules.id("timeline_id", body.optionalString("timeline_id")) : Ids.newId();
    if (pageserver == null) {
      for (String field : ANCESTOR_FIELDS) {
        if (body.has(field)) {
          throw ControlPlaneError.badRequest("branching from an ancestor needs the pageserver (not configured)");
        }
      }
      Responses.reply(rc, 201,
          tenants.get(tenantId).compose(tenant -> timelines.createRoot(tenantId, timelineId, name)),
          JsonViews::timeline);
      return;
    }
    Future<BranchPoint> resolved = body.has("snapshot") ? fromSnapshot(tenantId, body)
        : Future.succeededFuture(BranchPoint.of(body));
    Responses.reply(rc, 201, resolved.compose(point ->
            timelines.ancestorForBranch(tenantId, point.ancestorId(), point.ancestorName(), name)
            .compose(ancestor -> branchPoint(ancestor, point)
                .compose(at -> pageserver.createBranch(tenantId, timelineId, ancestor.id(), at.lsn(), at.catchUpLsn()))
                .compose(created -> timelines.createBranch(tenantId, timelineId, name, ancestor.id(),
                        Lsn.format(created.ancestorLsn()))
                    // Lost a race for the name (or the id): the pageserver timeline must not outlive it.
                    .recover(failure -> forgetOnPageserver(tenantId, timelineId, failure))))),
        JsonViews::timeline);
  }

  /** Where to branch (the ancestor's current end: once caught up with what the safekeepers committed). */
  private Future<PointResolver.Point> branchPoint(Timeline ancestor, BranchPoint point) {
    return new PointResolver(pageserver, committedWal).point(ancestor, point.lsn(), point.time());
  }

  /** A branch from a snapshot starts at the snapshot's (timeline, LSN), which GC keeps. */
  private Future<BranchPoint> fromSnapshot(String tenantId, JsonBody body) {
    String snapshot = InputRules.snapshotName("snapshot", body.optionalString("snapshot"));
    for (String field : ANCESTOR_FIELDS) {
      if (body.has(field)) {
        throw ControlPlaneError.badRequest("give either \"snapshot\" or \"" + field + "\", not both");
      }
    }
    return pageserver.listSnapshots(tenantId).compose(list -> list.snapshots().stream()
        .filter(s -> s.name().equals(snapshot)).findFirst()
        .map(s -> Future.succeededFuture(new BranchPoint(s.timelineId(), null, s.lsn(), null)))
        .orElseGet(() -> Future.failedFuture(ControlPlaneError.notFound("tenant " + tenantId
            + " has no snapshot named \"" + snapshot + "\""))));
  }

  private <T> Future<T> forgetOnPageserver(String tenantId, String timelineId, Throwable failure) {
    return pageserver.delete(tenantId, timelineId)
        .transform(deleted -> {
          if (deleted.failed()) {
            LOG.warn("Timeline {}/{} stays on the pageserver without a row: {}", tenantId, timelineId,
                deleted.cause().getMessage());
          }
          return Future.failedFuture(failure);
        });
  }

  /** Deletes a branch (and its suspended endpoints) here and on the pageserver. */
  private void delete(RoutingContext rc) {
    String tenantId = InputRules.id("tenant_id", rc.pathParam("tenant_id"));
    String timelineId = InputRules.id("timeline_id", rc.pathParam("timeline_id"));
    Responses.noContent(rc, tenants.get(tenantId).compose(tenant -> timelines.delete(tenantId, timelineId,
        timeline -> pageserver == null ? Future.succeededFuture() : pageserver.delete(tenantId, timelineId))));
  }

  /**
   * Where a branch starts: its ancestor by id or by name (default {@code main}) and at most one of an LSN
   * and a time (neither: the ancestor's current end, lsn 0).
   */
  private record BranchPoint(String ancestorId, String ancestorName, long lsn, Instant time) {
    static BranchPoint of(JsonBody body) {
      String ancestorId = body.has("ancestor_timeline_id")
          ? InputRules.id("ancestor_timeline_id", body.optionalString("ancestor_timeline_id")) : null;
      String ancestorName = body.has("ancestor_branch_name")
          ? InputRules.resourceName("ancestor_branch_name", body.optionalString("ancestor_branch_name")) : null;
      if (ancestorId != null && ancestorName != null) {
        throw ControlPlaneError.badRequest("give at most one of \"ancestor_timeline_id\" and \"ancestor_branch_name\"");
      }
      String lsnField = body.has("ancestor_start_lsn") ? "ancestor_start_lsn" : "ancestor_lsn";
      if (body.has("ancestor_start_lsn") && body.has("ancestor_lsn")) {
        throw ControlPlaneError.badRequest("give at most one of \"ancestor_start_lsn\" and \"ancestor_lsn\"");
      }
      boolean hasLsn = body.has(lsnField);
      boolean hasTime = body.has("ancestor_start_time");
      if (hasLsn && hasTime) {
        throw ControlPlaneError.badRequest("give at most one of \"" + lsnField + "\" and \"ancestor_start_time\"");
      }
      for (String neon : List.of("parent_id", "parent_lsn", "parent_timestamp")) {
        if (body.has(neon)) {
          throw ControlPlaneError.badRequest("\"" + neon + "\" is not supported; use ancestor_timeline_id, "
              + "ancestor_branch_name, ancestor_start_lsn or ancestor_start_time");
        }
      }
      long lsn = hasLsn ? InputRules.lsn(lsnField, body.optionalString(lsnField)) : 0;
      Instant time = hasTime ? InputRules.pointInTime("ancestor_start_time", body.optionalString("ancestor_start_time"))
          : null;
      return new BranchPoint(ancestorId, ancestorId == null && ancestorName == null ? Timeline.MAIN : ancestorName,
          lsn, time);
    }
  }
}
