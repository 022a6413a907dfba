package dev.argondb.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.argondb.bus.BusAddresses;
import dev.argondb.bus.ComputeState;
import dev.argondb.bus.ComputeStateChanged;
import dev.argondb.bus.PooledBackends;
import dev.argondb.bus.RoleChanged;
import dev.argondb.pgruntime.testing.TestPostgres;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The gateway's server-connection pool and caches in front of a real Postgres: a client that leaves cleanly
 * leaves its backend for the next client of the same endpoint, role and parameters, with nothing of its
 * session left behind. Each test uses its own endpoint name, so pools and caches do not mix between tests.
 */
@ExtendWith(VertxExtension.class)
class GatewayPoolTest {
  private static final long POOL_IDLE_MILLIS = 30_000;

  private static Vertx vertx;
  private static TestPostgres postgres;
  private static FakeControlPlane controlPlane;
  private static GatewayConfig config;
  private static GatewayHandle gateway;
  private static final Map<String, String> verifiers = new ConcurrentHashMap<>();

  @BeforeAll
  static void startGateway(Vertx testVertx) throws Exception {
    vertx = testVertx;
    postgres = TestPostgres.start();
    verifiers.putAll(FakeControlPlane.verifiersOf(postgres));
    controlPlane = FakeControlPlane.start(vertx, postgres.port(),
        Set.of("reuse", "leak", "txn", "cancel", "password", "idle", "state"), verifiers);
    config = GatewayConfig.defaults().withPorts(0, 0).withTimeouts(5_000, 10_000).withGatewayId("gateway-pool");
    gateway = GatewayService.deploy(vertx, config.withReuse(ReuseSettings.defaults().withPool(8, POOL_IDLE_MILLIS)),
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)).await(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stopPostgres() throws IOException {
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void aCleanlyClosedBackendServesTheNextClientWithoutAWake() throws Exception {
    int firstPid;
    try (Connection first = connect("reuse")) {
      firstPid = queryInt(first, "SELECT pg_backend_pid()");
    }
    awaitPooled(firstPid);
    try (Connection second = connect("reuse")) {
      assertEquals(firstPid, queryInt(second, "SELECT pg_backend_pid()"), "the same backend serves the next client");
      assertEquals("PostgreSQL JDBC Driver", queryString(second, "SHOW application_name"),
          "the client's application_name is back, not the pool's");
      assertEquals(7, queryInt(second, "SELECT 7"));
    }
    assertEquals(1, controlPlane.wakeRequests("reuse"), "the second client needed no wake");
  }

  @Test
  void sessionStateOfOneClientIsGoneForTheNext() throws Exception {
    int pid;
    try (Connection first = connect("leak"); Statement statement = first.createStatement()) {
      pid = queryInt(first, "SELECT pg_backend_pid()");
      statement.execute("SET work_mem = '7777kB'");
      statement.execute("CREATE TEMP TABLE leaked (id int)");
      statement.execute("PREPARE leaked_statement AS SELECT 1");
      statement.execute("LISTEN leaked_channel");
      assertEquals("7777kB", queryString(first, "SHOW work_mem"));
    }
    awaitPooled(pid);
    try (Connection second = connect("leak")) {
      assertEquals(pid, queryInt(second, "SELECT pg_backend_pid()"));
      assertNotEquals("7777kB", queryString(second, "SHOW work_mem"));
      assertNull(queryString(second, "SELECT to_regclass('pg_temp.leaked')::text"), "the temp table is gone");
      assertEquals(0, queryInt(second, "SELECT count(*) FROM pg_prepared_statements WHERE name = 'leaked_statement'"));
      assertEquals(0, queryInt(second, "SELECT count(*) FROM pg_listening_channels()"));
    }
  }

  @Test
  void aClientLeavingInsideATransactionDoesNotLeaveItsBackend() throws Exception {
    int pid;
    try (Connection first = connect("txn")) {
      first.setAutoCommit(false);
      pid = queryInt(first, "SELECT pg_backend_pid()");
      // Terminate while the transaction is open: the backend must roll back and exit, not wait in the pool.
    }
    awaitCondition(() -> backendCount(pid) == 0, "the backend of an open transaction exits");
    try (Connection second = connect("txn")) {
      assertNotEquals(pid, queryInt(second, "SELECT pg_backend_pid()"));
    }
  }

  @Test
  void cancelReachesAPooledBackend() throws Exception {
    int pid;
    try (Connection first = connect("cancel")) {
      pid = queryInt(first, "SELECT pg_backend_pid()");
    }
    awaitPooled(pid);
    ExecutorService background = Executors.newSingleThreadExecutor();
    try (Connection second = connect("cancel"); Statement statement = second.createStatement()) {
      assertEquals(pid, queryInt(second, "SELECT pg_backend_pid()"), "the pooled backend was reused");
      Future<?> sleeping = background.submit(() -> statement.executeQuery("SELECT pg_sleep(30)"));
      awaitCondition(() -> activeSleeps(pid) == 1, "the query runs");
      statement.cancel();
      ExecutionException failure = assertThrows(ExecutionException.class, () -> sleeping.get(20, TimeUnit.SECONDS));
      SQLException error = assertInstanceOf(SQLException.class, failure.getCause());
      assertEquals("57014", error.getSQLState(), error.getMessage());
      assertEquals(1, queryInt(second, "SELECT 1"), "the connection survives the cancel");
    } finally {
      background.shutdownNow();
    }
  }

  @Test
  void aChangedPasswordTakesEffectAtOnceAndDropsTheRolesPooledBackends() throws Exception {
    try (Connection admin = direct(); Statement statement = admin.createStatement()) {
      statement.execute("CREATE ROLE alice LOGIN PASSWORD 'first-password'");
    }
    verifiers.putAll(FakeControlPlane.verifiersOf(postgres));
    int pid;
    try (Connection first = connect("password", "alice", "first-password")) {
      pid = queryInt(first, "SELECT pg_backend_pid()");
    }
    awaitPooled(pid);
    // The verifier is cached now; the control plane changes it and says so.
    try (Connection admin = direct(); Statement statement = admin.createStatement()) {
      statement.execute("ALTER ROLE alice PASSWORD 'second-password'");
    }
    verifiers.putAll(FakeControlPlane.verifiersOf(postgres));
    vertx.eventBus().publish(BusAddresses.ROLE_CHANGED, new RoleChanged("tenant-test", "alice"));

    awaitCondition(() -> backendCount(pid) == 0, "the role's pooled backend is closed");
    SQLException refused = assertThrows(SQLException.class,
        () -> connect("password", "alice", "first-password").close());
    assertEquals("28P01", refused.getSQLState(), refused.getMessage());
    try (Connection second = connect("password", "alice", "second-password")) {
      assertEquals("alice", queryString(second, "SELECT current_user"));
    }
  }

  @Test
  void pooledBackendsCloseAfterTheIdleTimeoutAndAreNoClientsMeanwhile() throws Exception {
    PrometheusMeterRegistry ownRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    GatewayHandle quick = GatewayService.deploy(vertx,
        config.withGatewayId("gateway-quick").withReuse(ReuseSettings.defaults().withPool(8, 300)), ownRegistry).await(30, TimeUnit.SECONDS);
    try {
      int pid;
      try (Connection client = DriverManager.getConnection(jdbcUrl(quick.port()), properties("idle",
          TestPostgres.USER, TestPostgres.PASSWORD))) {
        pid = queryInt(client, "SELECT pg_backend_pid()");
      }
      awaitPooled(pid);
      // What the compute agent's idle check counts (see ComputeAgentVerticle): a parked backend is not a client.
      assertEquals(0, query("SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid
          + " AND NOT (state = 'idle' AND application_name = '" + PooledBackends.APPLICATION_NAME + "')"));
      awaitCondition(() -> backendCount(pid) == 0, "the idle timeout closes the pooled backend");
      assertEquals(0.0, ownRegistry.find("argon.gateway.pooled.connections").gauge().value());
    } finally {
      quick.undeploy(vertx).await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aComputeLeavingTheRunningStateEmptiesItsPoolAndTheNextClientWakesIt() throws Exception {
    int pid;
    try (Connection first = connect("state")) {
      pid = queryInt(first, "SELECT pg_backend_pid()");
    }
    awaitPooled(pid);
    int wakes = controlPlane.wakeRequests("state");
    vertx.eventBus().publish(BusAddresses.COMPUTE_STATE,
        new ComputeStateChanged("ep-state", ComputeState.SUSPENDING, null, 0, null));
    awaitCondition(() -> backendCount(pid) == 0, "the pooled backend is closed");
    try (Connection second = connect("state")) {
      assertNotEquals(pid, queryInt(second, "SELECT pg_backend_pid()"));
    }
    assertEquals(wakes + 1, controlPlane.wakeRequests("state"), "the remembered address was dropped");
  }

  // ---- helpers --------------------------------------------------------------------------------------

  /** Waits until {@code pid} is parked: idle under the pool's application_name. */
  private static void awaitPooled(int pid) throws Exception {
    awaitCondition(() -> query("SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid
        + " AND state = 'idle' AND application_name = '" + PooledBackends.APPLICATION_NAME + "'") == 1,
        "backend " + pid + " is parked in the pool");
  }

  private static int backendCount(int pid) {
    return query("SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid);
  }

  private static int activeSleeps(int pid) {
    return query("SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid
        + " AND state = 'active' AND query = 'SELECT pg_sleep(30)'");
  }

  private static int query(String sql) {
    try (Connection c = direct()) {
      return queryInt(c, sql);
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }

  private static Connection direct() throws SQLException {
    return DriverManager.getConnection(postgres.jdbcUrl(), TestPostgres.USER, TestPostgres.PASSWORD);
  }

  private static void awaitCondition(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out waiting: " + what);
      Thread.sleep(20);
    }
  }

  private static String jdbcUrl(int port) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
  }

  private static Properties properties(String endpoint, String user, String password) {
    Properties properties = new Properties();
    properties.setProperty("user", user);
    properties.setProperty("password", password);
    properties.setProperty("options", "endpoint=" + endpoint);
    properties.setProperty("connectTimeout", "10");
    properties.setProperty("socketTimeout", "60");
    return properties;
  }

  private static Connection connect(String endpoint) throws SQLException {
    return connect(endpoint, TestPostgres.USER, TestPostgres.PASSWORD);
  }

  private static Connection connect(String endpoint, String user, String password) throws SQLException {
    return DriverManager.getConnection(jdbcUrl(gateway.port()), properties(endpoint, user, password));
  }

  private static int queryInt(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getInt(1);
    }
  }

  private static String queryString(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getString(1);
    }
  }
}
