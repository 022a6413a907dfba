package dev.argondb.controlplane.db;

import static dev.argondb.controlplane.testing.ControlPlaneTestBed.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.argondb.controlplane.testing.SharedPostgres;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class SchemaMigratorTest {

  @Test
  void migratesOnceAndIsIdempotent(Vertx vertx) throws SQLException {
    String database = SharedPostgres.createDatabase();
    Pool pool = Database.connect(vertx, SharedPostgres.url(database));
    try {
      assertEquals(SchemaMigrator.MIGRATIONS.size(), await(SchemaMigrator.migrate(vertx, pool)));
      assertEquals(0, await(SchemaMigrator.migrate(vertx, pool)));
    } finally {
      await(pool.close());
    }
    try (Connection conn = SharedPostgres.connect(database); Statement st = conn.createStatement()) {
      try (ResultSet rs = st.executeQuery("SELECT count(*) FROM schema_migrations")) {
        rs.next();
        assertEquals(SchemaMigrator.MIGRATIONS.size(), rs.getInt(1));
      }
      try (ResultSet rs = st.executeQuery("SELECT count(*) FROM information_schema.tables WHERE table_schema = "
          + "'public' AND table_name IN ('tenants', 'timelines', 'endpoints', 'roles')")) {
        rs.next();
        assertEquals(4, rs.getInt(1));
      }
      // The schema itself refuses what the API must never store.
      st.execute("INSERT INTO tenants (id) VALUES ('" + "a".repeat(32) + "')");
      assertThrows(SQLException.class, () -> st.execute(
          "INSERT INTO roles (tenant_id, name, scram_verifier) VALUES ('" + "a".repeat(32) + "', 'r', 'plaintext')"));
      assertThrows(SQLException.class, () -> st.execute("INSERT INTO tenants (id) VALUES ('NOT-HEX')"));
    }
  }
}
