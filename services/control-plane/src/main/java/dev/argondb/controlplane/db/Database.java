package dev.argondb.controlplane.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.time.OffsetDateTime;

/** The connection pool to the control plane's own database, and small helpers shared by the stores. */
public final class Database {
  /** A handful of connections: every query is short, and the machine has few cores. */
  private static final int POOL_SIZE = 5;

  private Database() {}

  public static Pool connect(Vertx vertx, String url) {
    // The stores run the same few statements over and over: parse and plan each once per connection.
    PgConnectOptions connect = PgConnectOptions.fromUri(url).setCachePreparedStatements(true);
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(POOL_SIZE).setName("argon-control-plane"))
        .connectingTo(connect)
        .using(vertx)
        .build();
  }

  /** Health check: the database answers a trivial query. */
  public static Future<JsonObject> health(Pool pool) {
    return pool.query("SELECT 1").execute().map(rows -> new JsonObject().put("database", "ok"));
  }

  static Instant instant(Row row, String column) {
    OffsetDateTime value = row.getOffsetDateTime(column);
    return value == null ? null : value.toInstant();
  }

  /** True when {@code failure} is a unique violation of the named constraint (or index). */
  static boolean violates(Throwable failure, String constraint) {
    return failure instanceof PgException pg && "23505".equals(pg.getSqlState())
        && constraint.equals(pg.getConstraint());
  }
}
