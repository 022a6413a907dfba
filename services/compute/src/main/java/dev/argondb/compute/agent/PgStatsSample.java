package dev.argondb.compute.agent;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;

/**
 * One reading of a compute's cumulative statistics, summed over its databases (database names are chosen
 * by users, so they are no metric label), and its client connections by state (the agent's own excluded).
 */
record PgStatsSample(double xactCommit, double xactRollback, double tupReturned, double tupFetched,
                     double tupInserted, double tupUpdated, double tupDeleted, double blksRead, double blksHit,
                     double walBytes, int activeConnections, int idleConnections, int idleInTransactionConnections,
                     int otherConnections) {

  private static final String QUERY = """
      WITH clients AS (
        SELECT state FROM pg_stat_activity
        WHERE backend_type = 'client backend' AND usename IS DISTINCT FROM '%s')
      SELECT coalesce(sum(xact_commit), 0)::float8, coalesce(sum(xact_rollback), 0)::float8,
             coalesce(sum(tup_returned), 0)::float8, coalesce(sum(tup_fetched), 0)::float8,
             coalesce(sum(tup_inserted), 0)::float8, coalesce(sum(tup_updated), 0)::float8,
             coalesce(sum(tup_deleted), 0)::float8, coalesce(sum(blks_read), 0)::float8,
             coalesce(sum(blks_hit), 0)::float8,
             (SELECT wal_bytes::float8 FROM pg_stat_wal),
             (SELECT count(*) FROM clients WHERE state = 'active')::int,
             (SELECT count(*) FROM clients WHERE state = 'idle')::int,
             (SELECT count(*) FROM clients WHERE state LIKE 'idle in transaction%%')::int,
             (SELECT count(*) FROM clients)::int
      FROM pg_stat_database""".formatted(ComputeDirectory.AGENT_USER);

  static Future<PgStatsSample> read(SqlConnection connection) {
    return connection.query(QUERY).execute().map(rows -> from(rows.iterator().next()));
  }

  private static PgStatsSample from(Row row) {
    int active = row.getInteger(10);
    int idle = row.getInteger(11);
    int idleInTransaction = row.getInteger(12);
    int total = row.getInteger(13);
    return new PgStatsSample(row.getDouble(0), row.getDouble(1), row.getDouble(2), row.getDouble(3),
        row.getDouble(4), row.getDouble(5), row.getDouble(6), row.getDouble(7), row.getDouble(8),
        row.getDouble(9), active, idle, idleInTransaction, Math.max(0, total - active - idle - idleInTransaction));
  }

  /** A compute that is not running has no connections; its cumulative counters keep their last values. */
  PgStatsSample withoutConnections() {
    return new PgStatsSample(xactCommit, xactRollback, tupReturned, tupFetched, tupInserted, tupUpdated, tupDeleted,
        blksRead, blksHit, walBytes, 0, 0, 0, 0);
  }
}
