package dev.argondb.compute.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.argondb.bus.Bus;
import dev.argondb.bus.BusAddresses;
import dev.argondb.bus.ComputeStarted;
import dev.argondb.bus.ComputeState;
import dev.argondb.bus.ComputeStateChanged;
import dev.argondb.bus.ComputeStopped;
import dev.argondb.bus.RoleSpec;
import dev.argondb.bus.StartCompute;
import dev.argondb.bus.StopCompute;
import dev.argondb.compute.ComputeConfig;
import dev.argondb.compute.ComputeService;
import dev.argondb.pgruntime.testing.TestPostgres;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The agent against real Postgres processes: start, roles, idle-aware stop, restart with data, crash. */
class ComputeAgentTest {
  private static final String PASSWORD = "s3cret-pw";
  private static Vertx vertx;
  private static ComputeService.Handle agent;
  private static String verifier;
  private static Path root;
  private static final List<ComputeStateChanged> events = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void deployAgent() throws Exception {
    verifier = verifierFromPostgres(PASSWORD);
    vertx = Vertx.vertx(new io.vertx.core.VertxOptions().setPreferNativeTransport(true));
    root = Files.createTempDirectory("argon-compute-test-");
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    agent = ComputeService.deploy(vertx, ComputeConfig.defaults(root).withHttpPort(0), registry).await();
    vertx.eventBus().<ComputeStateChanged>consumer(BusAddresses.COMPUTE_STATE, m -> events.add(m.body()));
  }

  @AfterAll
  static void close() throws Exception {
    vertx.close().await();
    dev.argondb.pgruntime.PgFiles.deleteRecursively(root);
  }

  /** A real SCRAM-SHA-256 verifier, made by Postgres itself from the password. */
  static String verifierFromPostgres(String password) throws Exception {
    try (TestPostgres pg = TestPostgres.start();
         Connection c = DriverManager.getConnection(pg.jdbcUrl(), TestPostgres.USER, TestPostgres.PASSWORD)) {
      c.createStatement().execute("CREATE ROLE probe LOGIN PASSWORD '" + password + "'");
      try (ResultSet rs = c.createStatement().executeQuery("SELECT rolpassword FROM pg_authid WHERE rolname='probe'")) {
        rs.next();
        return rs.getString(1);
      }
    }
  }

  private static ComputeStarted start(String endpointId) {
    return Bus.request(vertx.eventBus(), BusAddresses.COMPUTE_START,
        new StartCompute(endpointId, endpointId + "-name", "t1", "tl1",
            List.of(new RoleSpec(RoleSync.ADMIN_ROLE, verifier)), null, null), ComputeStarted.class, 60_000).await();
  }

  private static ComputeStopped stop(String endpointId, boolean onlyIfIdle) {
    return Bus.request(vertx.eventBus(), BusAddresses.COMPUTE_STOP, new StopCompute(endpointId, onlyIfIdle),
        ComputeStopped.class, 60_000).await();
  }

  /**
   * An idle-only stop, asked again while it is refused for a client: a backend whose client just closed its
   * connection exits a moment later, and until then it still counts as a client.
   */
  private static ComputeStopped stopOnceIdle(String endpointId) throws InterruptedException {
    ComputeStopped stopped = stop(endpointId, true);
    for (int i = 0; i < 50 && !stopped.stopped() && stopped.reason().contains("client"); i++) {
      Thread.sleep(100);
      stopped = stop(endpointId, true);
    }
    return stopped;
  }

  private static Connection connect(ComputeStarted compute) throws SQLException {
    return DriverManager.getConnection("jdbc:postgresql://" + compute.host() + ":" + compute.port() + "/postgres",
        RoleSync.ADMIN_ROLE, PASSWORD);
  }

  @Test
  void startsStopsOnlyWhenIdleAndKeepsDataAcrossRestarts() throws Exception {
    ComputeStarted first = start("ep-restart");
    assertFalse(first.alreadyRunning());
    try (Connection c = connect(first)) {
      c.createStatement().execute("CREATE TABLE t(key int primary key, value text); INSERT INTO t VALUES (1,'1')");
      ComputeStopped refused = stop("ep-restart", true);
      assertFalse(refused.stopped(), "a connected client keeps the compute up");
      assertTrue(refused.reason().contains("1 client"), refused.reason());
    }
    assertTrue(start("ep-restart").alreadyRunning(), "a second start of a running compute is a no-op");

    assertTrue(stopOnceIdle("ep-restart").stopped());
    assertThrows(java.io.IOException.class, () -> new Socket("127.0.0.1", first.port()).close(),
        "the Postgres process is gone after a stop");

    ComputeStarted second = start("ep-restart");
    try (Connection c = connect(second); ResultSet rs = c.createStatement().executeQuery("SELECT value FROM t")) {
      assertTrue(rs.next());
      assertEquals("1", rs.getString(1));
    }
    assertEquals(2.0, agent.metrics().startCount("ep-restart-name"));
    stop("ep-restart", false);
  }

  /**
   * A bulk load leaves the redo point far behind (no timed checkpoint follows a quiet compute): once the WAL
   * stands still, the agent checkpoints, so an image rolled forward to that checkpoint needs no replay.
   */
  @Test
  void aComputeThatWentQuietFarPastItsRedoPointIsCheckpointed() throws Exception {
    ComputeStarted compute = start("ep-quiet");
    try (Connection c = connect(compute)) {
      c.createStatement().execute("CREATE TABLE filler AS SELECT g, repeat('x', 200) AS pad"
          + " FROM generate_series(1, 400000) g");
      long afterLoad = replayBytes(c);
      assertTrue(afterLoad >= QuietCheckpoint.REPLAY_BYTES, "the load wrote " + afterLoad + " bytes of WAL");
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(40);
      long now = afterLoad;
      while (now >= QuietCheckpoint.REPLAY_BYTES && System.nanoTime() < deadline) {
        Thread.sleep(250);
        now = replayBytes(c);
      }
      assertTrue(now < QuietCheckpoint.REPLAY_BYTES,
          "still " + now + " bytes of WAL past the redo point 40 s after the load");
    } finally {
      stop("ep-quiet", false);
    }
  }

  private static long replayBytes(Connection c) throws SQLException {
    try (ResultSet rs = c.createStatement().executeQuery(
        "SELECT (pg_current_wal_insert_lsn() - redo_lsn)::int8 FROM pg_control_checkpoint()")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void anIdleConnectionParkedByAGatewayPoolDoesNotKeepTheComputeUp() throws Exception {
    ComputeStarted compute = start("ep-pooled");
    java.util.Properties parked = new java.util.Properties();
    parked.setProperty("user", RoleSync.ADMIN_ROLE);
    parked.setProperty("password", PASSWORD);
    parked.setProperty("ApplicationName", dev.argondb.bus.PooledBackends.APPLICATION_NAME);
    try (Connection pooled = DriverManager.getConnection(
        "jdbc:postgresql://" + compute.host() + ":" + compute.port() + "/postgres", parked)) {
      try (Connection client = connect(compute)) {
        assertFalse(stop("ep-pooled", true).stopped(), "a real client keeps the compute up");
      }
      assertTrue(stopOnceIdle("ep-pooled").stopped(), "a parked idle backend is no client");
      assertThrows(SQLException.class, () -> pooled.createStatement().execute("SELECT 1"),
          "the stop closed the parked backend");
    }
  }

  @Test
  void wrongPasswordIsRefusedByTheCompute() throws Exception {
    ComputeStarted compute = start("ep-auth");
    SQLException error = assertThrows(SQLException.class, () -> DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + compute.port() + "/postgres", RoleSync.ADMIN_ROLE, "wrong"));
    assertEquals("28P01", error.getSQLState());
    stop("ep-auth", false);
  }

  @Test
  void aCrashedComputeIsReportedFailed() throws Exception {
    ComputeStarted compute = start("ep-crash");
    long pid = Long.parseLong(Files.readAllLines(agentDataDir("ep-crash").resolve("postmaster.pid")).get(0).trim());
    ProcessHandle.of(pid).orElseThrow().destroyForcibly();
    long deadline = System.currentTimeMillis() + 10_000;
    while (System.currentTimeMillis() < deadline && events.stream().noneMatch(
        e -> e.endpointId().equals("ep-crash") && e.state() == ComputeState.FAILED)) {
      Thread.sleep(20);
    }
    assertTrue(events.stream().anyMatch(e -> e.endpointId().equals("ep-crash") && e.state() == ComputeState.FAILED));
    ComputeStarted again = start("ep-crash");
    assertFalse(again.alreadyRunning(), "a failed compute is started anew");
    stop("ep-crash", false);
    assertTrue(compute.port() > 0);
  }

  private static Path agentDataDir(String endpointId) {
    return root.resolve("endpoints").resolve(endpointId).resolve("pgdata");
  }
}
