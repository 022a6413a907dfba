package dev.argondb.controlplane.db;

import dev.argondb.bus.ComputeState;
import dev.argondb.controlplane.ControlPlaneError;
import dev.argondb.controlplane.model.Endpoint;
import dev.argondb.controlplane.model.Timeline;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** Endpoints and their compute state. */
public final class EndpointStore {
  private static final String SELECT = """
      SELECT e.id, e.name, e.tenant_id, e.timeline_id, t.name AS branch_name, e.read_only, e.lsn::text AS lsn,
             e.state, e.host, e.port, e.suspend_timeout_seconds, e.last_active_at, e.created_at
      FROM endpoints e JOIN timelines t ON t.id = e.timeline_id
      """;

  private final Pool pool;

  public EndpointStore(Pool pool) {
    this.pool = pool;
  }

  public Future<List<Endpoint>> list() {
    return pool.query(SELECT + " ORDER BY e.created_at, e.name").execute().map(EndpointStore::endpoints);
  }

  public Future<List<Endpoint>> listByTenant(String tenantId) {
    return pool.preparedQuery(SELECT + " WHERE e.tenant_id = $1 ORDER BY e.created_at, e.name")
        .execute(Tuple.of(tenantId)).map(EndpointStore::endpoints);
  }

  /** Running endpoints that may be suspended when idle (a timeout of 0 means never). */
  public Future<List<Endpoint>> listSuspendable() {
    return pool.query(SELECT + " WHERE e.state = 'running' AND e.suspend_timeout_seconds > 0").execute()
        .map(EndpointStore::endpoints);
  }

  /** Endpoints recorded as running, whose address the gateway is given. */
  public Future<List<Endpoint>> listRunning() {
    return pool.query(SELECT + " WHERE e.state = 'running'").execute().map(EndpointStore::endpoints);
  }

  /** The endpoint, or a not-found failure. */
  public Future<Endpoint> getByName(String name) {
    return pool.preparedQuery(SELECT + " WHERE e.name = $1").execute(Tuple.of(name))
        .compose(rows -> single(rows, "endpoint \"" + name + "\" not found"));
  }

  /** The endpoint, or a not-found failure (it was deleted meanwhile). */
  public Future<Endpoint> getById(String id) {
    return pool.preparedQuery(SELECT + " WHERE e.id = $1").execute(Tuple.of(id))
        .compose(rows -> single(rows, "endpoint " + id + " not found"));
  }

  /**
   * Creates a suspended read-write endpoint on {@code timeline}. A branch has at most one read-write
   * endpoint (two would both write its WAL); the refusal names the endpoint that already has it.
   */
  public Future<Endpoint> createReadWrite(String id, String name, Timeline timeline, int suspendTimeoutSeconds) {
    return pool.withTransaction(conn -> conn
            .preparedQuery("SELECT name FROM endpoints WHERE timeline_id = $1 AND NOT read_only")
            .execute(Tuple.of(timeline.id()))
            .compose(existing -> {
              if (existing.size() > 0) {
                return Future.failedFuture(ControlPlaneError.conflict(readWriteTaken(timeline,
                    existing.iterator().next().getString("name"))));
              }
              return conn.preparedQuery("""
                      INSERT INTO endpoints (id, name, tenant_id, timeline_id, read_only, state, suspend_timeout_seconds)
                      VALUES ($1, $2, $3, $4, false, 'suspended', $5)""")
                  .execute(Tuple.of(id, name, timeline.tenantId(), timeline.id(), suspendTimeoutSeconds));
            }))
        .recover(failure -> {
          if (Database.violates(failure, "endpoints_name_key")) {
            return Future.failedFuture(ControlPlaneError.conflict("endpoint \"" + name + "\" already exists"));
          }
          if (Database.violates(failure, "endpoints_one_read_write_per_timeline")) {
            // Lost a race with a concurrent create: the other endpoint was committed first.
            return Future.failedFuture(ControlPlaneError.conflict(readWriteTaken(timeline, null)));
          }
          return Future.failedFuture(failure);
        })
        .compose(inserted -> getById(id));
  }

  /**
   * Creates a suspended read-only endpoint on {@code timeline}, pinned at {@code lsn} (checked by the caller
   * against the pageserver). A branch may have any number of them.
   */
  public Future<Endpoint> createReadOnly(String id, String name, Timeline timeline, String lsn,
                                         int suspendTimeoutSeconds) {
    return pool.preparedQuery("""
            INSERT INTO endpoints (id, name, tenant_id, timeline_id, read_only, lsn, state, suspend_timeout_seconds)
            VALUES ($1, $2, $3, $4, true, $5::text::pg_lsn, 'suspended', $6)""")
        .execute(Tuple.of(id, name, timeline.tenantId(), timeline.id(), lsn, suspendTimeoutSeconds))
        .recover(failure -> Database.violates(failure, "endpoints_name_key")
            ? Future.failedFuture(ControlPlaneError.conflict("endpoint \"" + name + "\" already exists"))
            : Future.failedFuture(failure))
        .compose(inserted -> getById(id));
  }

  public Future<Endpoint> updateSuspendTimeout(String name, int suspendTimeoutSeconds) {
    return pool.preparedQuery("UPDATE endpoints SET suspend_timeout_seconds = $2 WHERE name = $1")
        .execute(Tuple.of(name, suspendTimeoutSeconds))
        .compose(rows -> rows.rowCount() == 0
            ? Future.failedFuture(ControlPlaneError.notFound("endpoint \"" + name + "\" not found"))
            : getByName(name));
  }

  public Future<Void> delete(String id) {
    return pool.preparedQuery("DELETE FROM endpoints WHERE id = $1").execute(Tuple.of(id)).mapEmpty();
  }

  /**
   * Records a compute state. The address is kept only while the compute can serve ({@code running},
   * {@code suspending}); entering {@code running} counts as activity for the idle policy.
   */
  public Future<Void> setState(String id, ComputeState state, String host, Integer port) {
    boolean hasAddress = state == ComputeState.RUNNING || state == ComputeState.SUSPENDING;
    return pool.preparedQuery("""
            UPDATE endpoints SET state = $2, host = $3, port = $4,
                   last_active_at = CASE WHEN $2 = 'running' THEN now() ELSE last_active_at END
            WHERE id = $1""")
        .execute(Tuple.of(id, state.label(), hasAddress ? host : null, hasAddress ? port : null))
        .mapEmpty();
  }

  /**
   * Records a compute state only if the endpoint is still in {@code expected}; completes with whether it
   * was. Lets a late event (a compute that died) win over a state it must not overwrite.
   */
  public Future<Boolean> setStateIf(String id, ComputeState expected, ComputeState state, String host, Integer port) {
    boolean hasAddress = state == ComputeState.RUNNING || state == ComputeState.SUSPENDING;
    return pool.preparedQuery("""
            UPDATE endpoints SET state = $3, host = $4, port = $5,
                   last_active_at = CASE WHEN $3 = 'running' THEN now() ELSE last_active_at END
            WHERE id = $1 AND state = $2""")
        .execute(Tuple.of(id, expected.label(), state.label(), hasAddress ? host : null, hasAddress ? port : null))
        .map(rows -> rows.rowCount() > 0);
  }

  /** Moves last_active_at forward (never back) to {@code at}. */
  public Future<Void> recordActivity(String name, Instant at) {
    return pool.preparedQuery("""
            UPDATE endpoints SET last_active_at = $2
            WHERE name = $1 AND (last_active_at IS NULL OR last_active_at < $2)""")
        .execute(Tuple.of(name, OffsetDateTime.ofInstant(at, ZoneOffset.UTC)))
        .mapEmpty();
  }

  private static String readWriteTaken(Timeline timeline, String existingName) {
    return "branch \"" + timeline.name() + "\" already has a read-write endpoint"
        + (existingName == null ? "" : " \"" + existingName + "\"");
  }

  private static Future<Endpoint> single(RowSet<Row> rows, String notFound) {
    return rows.size() == 0
        ? Future.failedFuture(ControlPlaneError.notFound(notFound))
        : Future.succeededFuture(endpoint(rows.iterator().next()));
  }

  private static List<Endpoint> endpoints(RowSet<Row> rows) {
    List<Endpoint> endpoints = new ArrayList<>();
    rows.forEach(row -> endpoints.add(endpoint(row)));
    return endpoints;
  }

  private static Endpoint endpoint(Row row) {
    return new Endpoint(row.getString("id"), row.getString("name"), row.getString("tenant_id"),
        row.getString("timeline_id"), row.getString("branch_name"), row.getBoolean("read_only"),
        row.getString("lsn"), ComputeState.fromLabel(row.getString("state")), row.getString("host"),
        row.getInteger("port"), row.getInteger("suspend_timeout_seconds"), Database.instant(row, "last_active_at"),
        Database.instant(row, "created_at"));
  }
}
