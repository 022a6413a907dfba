package dev.argondb.safekeeper.replication;

import dev.argondb.pgruntime.FreePorts;
import dev.argondb.pgruntime.PgBinaries;
import dev.argondb.pgruntime.PgProcess;
import dev.argondb.pgruntime.PgServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;

/** A real Postgres 17 set up as a replication primary, with a REPLICATION role for the client. */
public final class ReplicationPostgres implements AutoCloseable {
  public static final String SUPERUSER = "argon_test";
  public static final String SUPERUSER_PASSWORD = "test-password";
  public static final String REPLICATOR = "sk_replicator";
  public static final String REPLICATOR_PASSWORD = "repl-secret";

  private final Path root;
  private final PgProcess process;

  private ReplicationPostgres(Path root, PgProcess process) {
    this.root = root;
    this.process = process;
  }

  public static ReplicationPostgres start() throws IOException, SQLException {
    Path root = Files.createTempDirectory("argon-repl-pg-");
    Path dataDir = root.resolve("data");
    PgBinaries binaries = PgBinaries.fromEnvironment();
    PgServer.initdb(binaries, dataDir, SUPERUSER, SUPERUSER_PASSWORD, root.resolve("initdb.log"));
    PgProcess process = PgServer.start(binaries, dataDir, FreePorts.pick(), Map.of(
            "fsync", "off", "wal_level", "replica", "max_wal_senders", "5", "max_replication_slots", "5"),
        root.resolve("postgres.log"), Duration.ofSeconds(30));
    ReplicationPostgres pg = new ReplicationPostgres(root, process);
    pg.execute("CREATE ROLE " + REPLICATOR + " REPLICATION LOGIN PASSWORD '" + REPLICATOR_PASSWORD + "'");
    return pg;
  }

  public int port() {
    return process.port();
  }

  PgProcess process() {
    return process;
  }

  public Path walDir() {
    return process.dataDir().resolve("pg_wal");
  }

  ReplicationConnectOptions options(String applicationName, String password) {
    return new ReplicationConnectOptions("127.0.0.1", port(), REPLICATOR, password, applicationName,
        Duration.ofSeconds(5));
  }

  Connection jdbc() throws SQLException {
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port() + "/postgres", SUPERUSER,
        SUPERUSER_PASSWORD);
  }

  public void execute(String sql) throws SQLException {
    try (Connection c = jdbc(); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  public String queryString(String sql) throws SQLException {
    try (Connection c = jdbc(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  long queryLsn(String sql) throws SQLException {
    return Lsns.parse(queryString(sql));
  }

  @Override
  public void close() throws IOException {
    process.stop(PgProcess.Shutdown.IMMEDIATE, Duration.ofSeconds(10));
    try (var walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
