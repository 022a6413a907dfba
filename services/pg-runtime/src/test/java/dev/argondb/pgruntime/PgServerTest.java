package dev.argondb.pgruntime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.argondb.pgruntime.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PgServerTest {

  @Test
  void startsPostgres17ThatRequiresThePassword() throws Exception {
    try (TestPostgres pg = TestPostgres.start()) {
      try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), TestPostgres.USER, TestPostgres.PASSWORD);
           ResultSet rs = c.createStatement().executeQuery("SHOW server_version_num")) {
        assertTrue(rs.next());
        assertTrue(rs.getInt(1) >= 170000, "server is Postgres 17");
      }
      SQLException wrong = assertThrows(SQLException.class,
          () -> DriverManager.getConnection(pg.jdbcUrl(), TestPostgres.USER, "wrong"));
      assertEquals("28P01", wrong.getSQLState());
    }
  }

  @Test
  void fastStopEndsTheProcess() throws Exception {
    try (TestPostgres pg = TestPostgres.start()) {
      pg.process().stop(PgProcess.Shutdown.FAST, Duration.ofSeconds(20));
      assertFalse(pg.process().isAlive());
      assertFalse(Files.exists(pg.process().dataDir().resolve("postmaster.pid")), "clean shutdown removes the pid file");
    }
  }

  @Test
  void startFailureReportsThePostgresError() throws Exception {
    Path dir = Files.createTempDirectory("argon-bad-");
    try {
      Files.createDirectories(dir.resolve("data"));
      var error = assertThrows(java.io.IOException.class, () -> PgServer.start(PgBinaries.fromEnvironment(),
          dir.resolve("data"), FreePorts.pick(), Map.of(), dir.resolve("log"), Duration.ofSeconds(10)));
      assertTrue(error.getMessage().contains("PG_VERSION") || error.getMessage().contains("postgres exited"),
          error.getMessage());
    } finally {
      PgFiles.deleteRecursively(dir);
    }
  }
}
