package dev.argondb.controlplane.db;

import dev.argondb.controlplane.ControlPlaneError;
import dev.argondb.controlplane.model.Timeline;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/** Timelines (branches) of tenants. */
public final class TimelineStore {
  private static final String COLUMNS =
      "id, tenant_id, name, ancestor_timeline_id, ancestor_lsn::text AS ancestor_lsn, created_at";

  /** Endpoint states without a compute up: such endpoints are deleted with their branch. */
  private static final Set<String> SUSPENDED = Set.of("suspended", "failed");

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
        .recover(failure -> Future.failedFuture(duplicateAsConflict(failure, tenantId, timelineId, name)));
  }

  /**
   * What a new branch needs, in one round trip: the tenant must exist, the ancestor (by id, else by name)
   * must be one of its timelines, and {@code newName} must be free. Fails with 404 or 409 otherwise.
   */
  public Future<Timeline> ancestorForBranch(String tenantId, String ancestorId, String ancestorName, String newName) {
    return pool.preparedQuery("""
            SELECT a.id, a.tenant_id, a.name, a.ancestor_timeline_id, a.ancestor_lsn::text AS ancestor_lsn,
                   a.created_at,
                   EXISTS (SELECT 1 FROM timelines n WHERE n.tenant_id = $1 AND n.name = $4) AS name_taken
            FROM tenants ten
            LEFT JOIN timelines a ON a.tenant_id = ten.id AND (a.id = $2 OR ($2 IS NULL AND a.name = $3))
            WHERE ten.id = $1""")
        .execute(Tuple.of(tenantId, ancestorId, ancestorName, newName))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(ControlPlaneError.notFound("tenant " + tenantId + " not found"));
          }
          Row row = rows.iterator().next();
          if (row.getString("id") == null) {
            return Future.failedFuture(ControlPlaneError.notFound(ancestorId != null
                ? "ancestor timeline " + ancestorId + " not found in tenant " + tenantId
                : "ancestor branch \"" + ancestorName + "\" not found in tenant " + tenantId));
          }
          if (row.getBoolean("name_taken")) {
            return Future.failedFuture(nameTaken(tenantId, newName));
          }
          return Future.succeededFuture(timeline(row));
        });
  }

  /** Stores a branch the pageserver has created: a child of {@code ancestorId} at {@code ancestorLsn}. */
  public Future<Timeline> createBranch(String tenantId, String timelineId, String name, String ancestorId,
                                       String ancestorLsn) {
    return pool.preparedQuery("""
            INSERT INTO timelines (id, tenant_id, name, ancestor_timeline_id, ancestor_lsn)
            VALUES ($1, $2, $3, $4, $5::text::pg_lsn) RETURNING\s""" + COLUMNS)
        .execute(Tuple.of(timelineId, tenantId, name, ancestorId, ancestorLsn))
        .map(rows -> timeline(rows.iterator().next()))
        .recover(failure -> Future.failedFuture(duplicateAsConflict(failure, tenantId, timelineId, name)));
  }

  /**
   * Deletes a timeline with its (suspended) endpoints, in one transaction that first locks the timeline and
   * its endpoints: refused with 409 while other branches start from it or one of its endpoints has a compute
   * up (both named). {@code beforeCommit} runs last, inside the transaction (the pageserver's delete): when
   * it fails nothing is deleted here.
   */
  public Future<Timeline> delete(String tenantId, String timelineId, Function<Timeline, Future<Void>> beforeCommit) {
    return pool.withTransaction(conn -> conn
        .preparedQuery("SELECT " + COLUMNS + " FROM timelines WHERE tenant_id = $1 AND id = $2 FOR UPDATE")
        .execute(Tuple.of(tenantId, timelineId))
        .compose(found -> {
          if (found.size() == 0) {
            return Future.failedFuture(ControlPlaneError.notFound(
                "timeline " + timelineId + " not found in tenant " + tenantId));
          }
          Timeline timeline = timeline(found.iterator().next());
          // Locked before their states are read: a wake cannot start one of them until this transaction ends.
          return conn.preparedQuery("SELECT 1 FROM endpoints WHERE timeline_id = $1 FOR UPDATE")
              .execute(Tuple.of(timelineId))
              .compose(locked -> conn.preparedQuery("""
                  SELECT 'branch' AS kind, name, NULL AS state FROM timelines WHERE ancestor_timeline_id = $1
                  UNION ALL
                  SELECT 'endpoint', name, state FROM endpoints WHERE timeline_id = $1
                  ORDER BY 1, 2""")
              .execute(Tuple.of(timelineId)))
              .compose(dependents -> {
                List<String> children = new ArrayList<>();
                List<String> active = new ArrayList<>();
                for (Row row : dependents) {
                  if ("branch".equals(row.getString("kind"))) {
                    children.add(row.getString("name"));
                  } else if (!SUSPENDED.contains(row.getString("state"))) {
                    active.add(row.getString("name") + " (" + row.getString("state") + ")");
                  }
                }
                if (!children.isEmpty()) {
                  return Future.failedFuture(ControlPlaneError.conflict("branch \"" + timeline.name()
                      + "\" has child branches: " + String.join(", ", children) + "; delete them first"));
                }
                if (!active.isEmpty()) {
                  return Future.failedFuture(ControlPlaneError.conflict("branch \"" + timeline.name()
                      + "\" has running endpoints: " + String.join(", ", active) + "; stop them first"));
                }
                return conn.preparedQuery("DELETE FROM timelines WHERE id = $1").execute(Tuple.of(timelineId))
                    .compose(deleted -> beforeCommit.apply(timeline))
                    .map(timeline);
              });
        }));
  }

  private static Throwable duplicateAsConflict(Throwable failure, String tenantId, String timelineId, String name) {
    if (Database.violates(failure, "timelines_tenant_name_key")) {
      return nameTaken(tenantId, name);
    }
    if (Database.violates(failure, "timelines_pkey")) {
      return ControlPlaneError.conflict("timeline " + timelineId + " already exists");
    }
    return failure;
  }

  private static ControlPlaneError nameTaken(String tenantId, String name) {
    return ControlPlaneError.conflict("branch \"" + name + "\" already exists in tenant " + tenantId);
  }

  private static Timeline timeline(Row row) {
    return new Timeline(row.getString("id"), row.getString("tenant_id"), row.getString("name"),
        row.getString("ancestor_timeline_id"), row.getString("ancestor_lsn"), Database.instant(row, "created_at"));
  }
}
