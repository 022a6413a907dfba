package dev.argondb.pgruntime.testing;

import dev.argondb.pgruntime.FreePorts;
import dev.argondb.pgruntime.PgBinaries;
import dev.argondb.pgruntime.PgProcess;
import dev.argondb.pgruntime.PgServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;

/** A real Postgres 17 in a temporary directory, for tests of services that need a database. */
public final class TestPostgres implements AutoCloseable {
  public static final String USER = "argon_test";
  public static final String PASSWORD = "test-password";

  private final Path root;
  private final PgProcess process;

  private TestPostgres(Path root, PgProcess process) {
    this.root = root;
    this.process = process;
  }

  public static TestPostgres start() throws IOException {
    Path root = Files.createTempDirectory("argon-test-pg-");
    Path dataDir = root.resolve("data");
    PgBinaries binaries = PgBinaries.fromEnvironment();
    PgServer.initdb(binaries, dataDir, USER, PASSWORD, root.resolve("initdb.log"));
    PgProcess process = PgServer.start(binaries, dataDir, FreePorts.pick(), Map.of("fsync", "off"),
        root.resolve("postgres.log"), Duration.ofSeconds(30));
    return new TestPostgres(root, process);
  }

  public int port() {
    return process.port();
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port() + "/postgres";
  }

  public String url() {
    return "postgresql://" + USER + ":" + PASSWORD + "@127.0.0.1:" + port() + "/postgres";
  }

  public PgProcess process() {
    return process;
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
