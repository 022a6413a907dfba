package dev.argondb.controlplane.db;

import dev.argondb.controlplane.ControlPlaneError;
import dev.argondb.controlplane.model.Timeline;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/** Timelines (branches) of tenants. */
public final class TimelineStore {
  private static final String COLUMNS =
      "id, tenant_id, name, ancestor_timeline_id, ancestor_lsn::text AS ancestor_lsn, created_at";

  private final Pool pool;

  public TimelineStore(Pool pool) {
    this.pool = pool;
  }

  public Future<List<Timeline>> listByTenant(String tenantId) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM timelines WHERE tenant_id = $1 ORDER BY created_at, name")
        .execute(Tuple.of(tenantId))
        .map(rows -> {
          List<Timeline> timelines = new ArrayList<>();
          rows.forEach(row -> timelines.add(timeline(row)));
          return timelines;
        });
  }

  /** The tenant's timeline of that name, or a not-found failure. */
  public Future<Timeline> getByName(String tenantId, String name) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM timelines WHERE tenant_id = $1 AND name = $2")
        .execute(Tuple.of(tenantId, name))
        .compose(rows -> rows.size() == 0
            ? Future.failedFuture(ControlPlaneError.notFound(
                "branch \"" + name + "\" not found in tenant " + tenantId))
            : Future.succeededFuture(timeline(rows.iterator().next())));
  }

  /** Creates a root timeline (no ancestor). */
  public Future<Timeline> createRoot(String tenantId, String timelineId, String name) {
    return pool.preparedQuery("INSERT INTO timelines (id, tenant_id, name) VALUES ($1, $2, $3) RETURNING " + COLUMNS)
        .execute(Tuple.of(timelineId, tenantId, name))
        .map(rows -> timeline(rows.iterator().next()))
        .recover(failure -> {
          if (Database.violates(failure, "timelines_tenant_name_key")) {
            return Future.failedFuture(ControlPlaneError.conflict(
                "branch \"" + name + "\" already exists in tenant " + tenantId));
          }
          if (Database.violates(failure, "timelines_pkey")) {
            return Future.failedFuture(ControlPlaneError.conflict("timeline " + timelineId + " already exists"));
          }
          return Future.failedFuture(failure);
        });
  }

  private static Timeline timeline(Row row) {
    return new Timeline(row.getString("id"), row.getString("tenant_id"), row.getString("name"),
        row.getString("ancestor_timeline_id"), row.getString("ancestor_lsn"), Database.instant(row, "created_at"));
  }
}
