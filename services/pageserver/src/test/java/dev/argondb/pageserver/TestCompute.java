package dev.argondb.pageserver;

import dev.argondb.pgruntime.FreePorts;
import dev.argondb.pgruntime.PgBinaries;
import dev.argondb.pgruntime.PgProcess;
import dev.argondb.pgruntime.PgServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** A stock Postgres started from a basebackup's data directory, as the compute agent will start it: no signal files. */
final class TestCompute implements AutoCloseable {
  static final String USER = "cloud_admin";
  static final String PASSWORD = "compute-password";

  private final PgProcess process;

  private TestCompute(PgProcess process) {
    this.process = process;
  }

  static TestCompute start(Path dataDir, Map<String, String> extraSettings) throws Exception {
    Map<String, String> settings = new HashMap<>(Map.of("fsync", "off", "wal_level", "replica",
        "max_wal_senders", "10", "max_replication_slots", "10", "wal_sender_timeout", "10s",
        "checkpoint_timeout", "60s"));
    settings.putAll(extraSettings);
    return new TestCompute(PgServer.start(PgBinaries.fromEnvironment(), dataDir, FreePorts.pick(), settings,
        dataDir.resolveSibling(dataDir.getFileName() + ".log"), Duration.ofSeconds(30)));
  }

  int port() {
    return process.port();
  }

  Connection connect() throws Exception {
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port() + "/postgres", USER, PASSWORD);
  }

  void execute(String sql) throws Exception {
    try (Connection c = connect()) {
      c.createStatement().execute(sql);
    }
  }

  String queryString(String sql) throws Exception {
    try (Connection c = connect(); ResultSet rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** An ordered checksum of table t: equal data gives an equal string. */
  String checksum() throws Exception {
    return queryString("SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, ',' ORDER BY key)), '') FROM t");
  }

  @Override
  public void close() throws Exception {
    process.stop(PgProcess.Shutdown.IMMEDIATE, Duration.ofSeconds(10));
  }
}
