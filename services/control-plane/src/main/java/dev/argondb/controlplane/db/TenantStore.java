package dev.argondb.controlplane.db;

import dev.argondb.controlplane.ControlPlaneError;
import dev.argondb.controlplane.model.Ids;
import dev.argondb.controlplane.model.Tenant;
import dev.argondb.controlplane.model.Timeline;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/** Tenants in the control-plane database. */
public final class TenantStore {
  private final Pool pool;

  public TenantStore(Pool pool) {
    this.pool = pool;
  }

  public Future<List<Tenant>> list() {
    return pool.query("SELECT id, created_at, pitr_interval_seconds FROM tenants ORDER BY created_at, id").execute()
        .map(rows -> {
          List<Tenant> tenants = new ArrayList<>();
          rows.forEach(row -> tenants.add(tenant(row)));
          return tenants;
        });
  }

  /** The tenant, or a not-found failure. */
  public Future<Tenant> get(String tenantId) {
    return pool.preparedQuery("SELECT id, created_at, pitr_interval_seconds FROM tenants WHERE id = $1")
        .execute(Tuple.of(tenantId))
        .compose(rows -> rows.size() == 0
            ? Future.failedFuture(ControlPlaneError.notFound("tenant " + tenantId + " not found"))
            : Future.succeededFuture(tenant(rows.iterator().next())));
  }

  /** Whether a tenant with this id exists. */
  public Future<Boolean> exists(String tenantId) {
    return pool.preparedQuery("SELECT 1 FROM tenants WHERE id = $1").execute(Tuple.of(tenantId))
        .map(rows -> rows.size() > 0);
  }

  /**
   * Creates the tenant and its root timeline {@code main} in one transaction: a tenant never exists
   * without a branch to attach an endpoint to.
   */
  public Future<Tenant> createWithMainTimeline(String tenantId) {
    return createWithMainTimeline(tenantId, Ids.newId(), Tenant.DEFAULT_PITR_INTERVAL_SECONDS);
  }

  /** As {@link #createWithMainTimeline(String)}, with the id the {@code main} timeline has on the pageserver. */
  public Future<Tenant> createWithMainTimeline(String tenantId, String mainTimelineId) {
    return createWithMainTimeline(tenantId, mainTimelineId, Tenant.DEFAULT_PITR_INTERVAL_SECONDS);
  }

  /** As {@link #createWithMainTimeline(String, String)}, with the tenant's PITR window. */
  public Future<Tenant> createWithMainTimeline(String tenantId, String mainTimelineId, long pitrIntervalSeconds) {
    return pool.withTransaction(conn -> conn
        .preparedQuery("INSERT INTO tenants (id, pitr_interval_seconds) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING"
            + " RETURNING id, created_at, pitr_interval_seconds")
        .execute(Tuple.of(tenantId, pitrIntervalSeconds))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(ControlPlaneError.conflict("tenant " + tenantId + " already exists"));
          }
          Tenant tenant = tenant(rows.iterator().next());
          return conn.preparedQuery("INSERT INTO timelines (id, tenant_id, name) VALUES ($1, $2, $3)")
              .execute(Tuple.of(mainTimelineId, tenantId, Timeline.MAIN))
              .map(inserted -> tenant);
        }));
  }

  /** Changes the tenant's PITR window; a not-found failure for an unknown tenant. */
  public Future<Tenant> setPitrInterval(String tenantId, long seconds) {
    return pool.preparedQuery("UPDATE tenants SET pitr_interval_seconds = $2 WHERE id = $1"
            + " RETURNING id, created_at, pitr_interval_seconds").execute(Tuple.of(tenantId, seconds))
        .compose(rows -> rows.size() == 0
            ? Future.failedFuture(ControlPlaneError.notFound("tenant " + tenantId + " not found"))
            : Future.succeededFuture(tenant(rows.iterator().next())));
  }

  private static Tenant tenant(Row row) {
    return new Tenant(row.getString("id"), Database.instant(row, "created_at"), row.getLong("pitr_interval_seconds"));
  }
}
