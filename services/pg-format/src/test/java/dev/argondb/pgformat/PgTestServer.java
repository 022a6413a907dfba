package dev.argondb.pgformat;

import dev.argondb.pgruntime.FreePorts;
import dev.argondb.pgruntime.PgBinaries;
import dev.argondb.pgruntime.PgProcess;
import dev.argondb.pgruntime.PgServer;
import dev.argondb.pgruntime.testing.TestPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

/** Test helpers around {@link TestPostgres}: SQL, stopping and restarting on the same data directory. */
final class PgTestServer {
  private PgTestServer() {}

  static Connection connect(int port) throws SQLException {
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", TestPostgres.USER,
        TestPostgres.PASSWORD);
  }

  static String query(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); var rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  static void stopCleanly(PgProcess process) throws IOException {
    process.stop(PgProcess.Shutdown.FAST, Duration.ofSeconds(30));
  }

  static PgProcess restart(Path dataDir, Path logFile) throws IOException {
    return PgServer.start(PgBinaries.fromEnvironment(), dataDir, FreePorts.pick(), Map.of("fsync", "off"), logFile,
        Duration.ofSeconds(30));
  }
}
