package dev.argondb.controlplane.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the control-plane database to the newest schema. Migrations are numbered SQL files on the
 * classpath; {@code schema_migrations} records the applied ones, so running again changes nothing.
 * All pending migrations run in one transaction: a failure leaves the schema as it was.
 */
public final class SchemaMigrator {
  private static final Logger LOG = LoggerFactory.getLogger(SchemaMigrator.class);
  private static final String RESOURCE_DIR = "/dev/argondb/controlplane/db/migrations/";
  /** Arbitrary constant: serializes control planes that start at the same time against one database. */
  private static final long ADVISORY_LOCK_KEY = 0x4172676f6e4350L;

  /** Every migration in order; a new schema change is a new file here, never an edit of an applied one. */
  static final List<Migration> MIGRATIONS = List.of(
      new Migration(1, "V1__initial_schema.sql"),
      new Migration(2, "V2__timeline_terms.sql"),
      new Migration(3, "V3__branches.sql"),
      new Migration(4, "V4__tenant_pitr_interval.sql"));

  record Migration(int version, String file) {}

  private record LoadedMigration(int version, String file, String sql) {}

  private SchemaMigrator() {}

  /** Completes with the number of migrations applied by this call (0 when the schema was current). */
  public static Future<Integer> migrate(Vertx vertx, Pool pool) {
    // Reading classpath resources is blocking I/O: keep it off the event loop.
    return vertx.executeBlocking(SchemaMigrator::loadAll)
        .compose(migrations -> pool.withTransaction(conn -> applyPending(conn, migrations)));
  }

  private static Future<Integer> applyPending(SqlConnection conn, List<LoadedMigration> migrations) {
    return conn.preparedQuery("SELECT pg_advisory_xact_lock($1)").execute(Tuple.of(ADVISORY_LOCK_KEY))
        // "already exists, skipping" notices on every restart would only be noise in the log.
        .compose(locked -> conn.query("SET LOCAL client_min_messages = warning").execute())
        .compose(quiet -> conn.query("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
              version    integer     PRIMARY KEY,
              file       text        NOT NULL,
              applied_at timestamptz NOT NULL DEFAULT now()
            )""").execute())
        .compose(created -> conn.query("SELECT version FROM schema_migrations").execute())
        .compose(rows -> {
          Set<Integer> applied = new HashSet<>();
          for (Row row : rows) {
            applied.add(row.getInteger("version"));
          }
          Future<Integer> chain = Future.succeededFuture(0);
          for (LoadedMigration migration : migrations) {
            if (!applied.contains(migration.version())) {
              chain = chain.compose(count -> apply(conn, migration).map(done -> count + 1));
            }
          }
          return chain;
        });
  }

  private static Future<Void> apply(SqlConnection conn, LoadedMigration migration) {
    LOG.info("Applying schema migration {}", migration.file());
    // The simple query protocol runs every statement of the file in one round trip.
    return conn.query(migration.sql()).execute()
        .compose(done -> conn.preparedQuery("INSERT INTO schema_migrations (version, file) VALUES ($1, $2)")
            .execute(Tuple.of(migration.version(), migration.file())))
        .mapEmpty();
  }

  private static List<LoadedMigration> loadAll() {
    List<LoadedMigration> loaded = new ArrayList<>();
    for (Migration migration : MIGRATIONS) {
      String path = RESOURCE_DIR + migration.file();
      try (InputStream in = SchemaMigrator.class.getResourceAsStream(path)) {
        if (in == null) {
          throw new IllegalStateException("schema migration " + path + " is missing from the classpath");
        }
        loaded.add(new LoadedMigration(migration.version(), migration.file(),
            new String(in.readAllBytes(), StandardCharsets.UTF_8)));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read schema migration " + path, e);
      }
    }
    return loaded;
  }
}
