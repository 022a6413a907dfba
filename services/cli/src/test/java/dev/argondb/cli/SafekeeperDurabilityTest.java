package dev.argondb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.argondb.bus.Bus;
import dev.argondb.bus.BusAddresses;
import dev.argondb.bus.FollowCompute;
import dev.argondb.bus.GetTimelineState;
import dev.argondb.bus.PrepareTerm;
import dev.argondb.bus.TermStart;
import dev.argondb.bus.TimelineState;
import dev.argondb.cli.stack.LocalStack;
import dev.argondb.cli.testing.TestLocalStack;
import dev.argondb.pgruntime.PgFiles;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every COMMIT that returned is on a quorum of safekeepers: real computes, three in-process
 * safekeepers that can be stopped at once, and JDBC clients through the gateway.
 */
class SafekeeperDurabilityTest {
  private static TestLocalStack testStack;
  private static ArgonHome home;
  private static LocalStackSettings settings;
  private static LocalStack stack;
  private static ApiClient api;
  private static String tenant;

  @BeforeAll
  static void startStack() throws Exception {
    testStack = TestLocalStack.start("durability", false);
    home = testStack.home();
    settings = testStack.settings();
    stack = testStack.stack();
    api = new ApiClient(settings.controlPlaneUrl());
    tenant = api.post("/v1/tenants", new JsonObject()).getString("id");
    api.post("/v1/tenants/" + tenant + "/roles", new JsonObject().put("name", LocalStackSettings.ADMIN_ROLE)
        .put("password", settings.adminPassword()));
  }

  @AfterAll
  static void stopStack() {
    if (testStack != null) {
      testStack.close();
    }
  }

  private static String endpointOnNewBranch(String name) {
    api.post("/v1/tenants/" + tenant + "/timelines", new JsonObject().put("name", name));
    api.post("/v1/tenants/" + tenant + "/endpoints", new JsonObject().put("name", name).put("branch_name", name)
        .put("suspend_timeout_seconds", 0));
    return api.get("/v1/endpoints/" + name).getString("timeline_id");
  }

  private static Connection connect(String endpoint) throws SQLException {
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + settings.gatewayPort()
        + "/postgres?options=endpoint%3D" + endpoint, LocalStackSettings.ADMIN_ROLE, settings.adminPassword());
  }

  private static void stopSafekeeper(String id) {
    stack.safekeepers().stop(id).await();
  }

  private static void startSafekeeper(String id) {
    stack.safekeepers().start(id).await();
  }

  private static TimelineState state(String safekeeper, String timelineId) {
    return Bus.request(stack.vertx().eventBus(), BusAddresses.safekeeperTimelineState(safekeeper),
        new GetTimelineState(tenant, timelineId), TimelineState.class, 10_000).await();
  }

  @Test
  void aCommitWaitsForASecondSafekeeperAndReturnsWhenOneComesBack() throws Exception {
    endpointOnNewBranch("quorum");
    try (Connection c = connect("quorum")) {
      c.createStatement().execute("CREATE TABLE q(v int)");
      stopSafekeeper("sk2");
      stopSafekeeper("sk3");
      ExecutorService pool = Executors.newSingleThreadExecutor();
      try {
        Future<Integer> insert = pool.submit(() -> c.createStatement().executeUpdate("INSERT INTO q VALUES (1)"));
        assertThrows(TimeoutException.class, () -> insert.get(2, TimeUnit.SECONDS),
            "with one safekeeper of three, COMMIT waits for a quorum");
        startSafekeeper("sk2");
        assertEquals(1, insert.get(30, TimeUnit.SECONDS), "a second safekeeper back: the COMMIT returns");
      } finally {
        startSafekeeper("sk3");
        pool.shutdownNow();
      }
    }
  }

  @Test
  void everyReturnedTransferSurvivesAKilledSafekeeperAndARestartFromSafekeeperWal() throws Exception {
    String timelineId = endpointOnNewBranch("bank");
    int accounts = 20;
    try (Connection c = connect("bank")) {
      c.createStatement().execute("CREATE TABLE accounts(id int primary key, balance bigint not null);"
          + "CREATE TABLE transfers(id bigint primary key, src int, dst int, amount int);"
          + "INSERT INTO accounts SELECT g, 1000 FROM generate_series(1, " + accounts + ") g");
    }
    Set<Long> committed = ConcurrentHashMap.newKeySet();
    AtomicBoolean running = new AtomicBoolean(true);
    ExecutorService clients = Executors.newFixedThreadPool(4);
    List<Future<?>> workers = new ArrayList<>();
    for (int w = 0; w < 4; w++) {
      long base = (w + 1) * 1_000_000L;
      workers.add(clients.submit(() -> {
        try (Connection c = connect("bank")) {
          c.setAutoCommit(false);
          long id = base;
          while (running.get()) {
            int src = ThreadLocalRandom.current().nextInt(1, accounts + 1);
            int dst = ThreadLocalRandom.current().nextInt(1, accounts + 1);
            int amount = ThreadLocalRandom.current().nextInt(1, 50);
            try (Statement s = c.createStatement()) {
              s.execute("UPDATE accounts SET balance = balance - " + amount + " WHERE id = " + src + ";"
                  + "UPDATE accounts SET balance = balance + " + amount + " WHERE id = " + dst + ";"
                  + "INSERT INTO transfers VALUES (" + (++id) + ", " + src + ", " + dst + ", " + amount + ")");
              c.commit();
              committed.add(id);
            } catch (SQLException e) {
              c.rollback(); // a deadlock between two transfers: retry with new accounts
            }
          }
        }
        return null;
      }));
    }
    Thread.sleep(1_500);
    stopSafekeeper("sk1"); // dies mid-workload: the other two are a quorum
    Thread.sleep(1_500);
    running.set(false);
    for (Future<?> worker : workers) {
      worker.get(60, TimeUnit.SECONDS);
    }
    clients.shutdown();
    assertTrue(committed.size() > 20, "the workload committed transfers: " + committed.size());

    // Stop the compute and throw its data directory away: the next start must come from the
    // timeline's base image plus the safekeepers' WAL alone.
    JsonObject endpoint = api.post("/v1/endpoints/bank/stop", new JsonObject());
    assertEquals("suspended", endpoint.getString("state"));
    PgFiles.deleteRecursively(home.computesDir().resolve("endpoints").resolve(endpoint.getString("id")));
    startSafekeeper("sk1");

    try (Connection c = connect("bank")) {
      try (ResultSet rs = c.createStatement().executeQuery("SELECT sum(balance), count(*) FROM accounts")) {
        rs.next();
        assertEquals(1000L * accounts, rs.getLong(1), "transfers never create or destroy money");
        assertEquals(accounts, rs.getInt(2));
      }
      Set<Long> present = ConcurrentHashMap.newKeySet();
      try (ResultSet rs = c.createStatement().executeQuery("SELECT id FROM transfers")) {
        while (rs.next()) {
          present.add(rs.getLong(1));
        }
      }
      assertTrue(present.containsAll(committed), "every transfer whose COMMIT returned is there; missing: "
          + committed.stream().filter(id -> !present.contains(id)).limit(5).toList());
    }
    long target = state("sk2", timelineId).flushLsn();
    long deadline = System.currentTimeMillis() + 30_000;
    while (state("sk1", timelineId).flushLsn() < target && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
    }
    assertTrue(state("sk1", timelineId).flushLsn() >= target, "the restarted safekeeper caught up");
  }

  @Test
  void aComputeOfAnOlderTermCannotCommit() throws Exception {
    String timelineId = endpointOnNewBranch("fenced");
    try (Connection c = connect("fenced")) {
      c.createStatement().execute("CREATE TABLE f(v int); INSERT INTO f VALUES (1)");
      // The manual election below ends the history at sk1's flush LSN, so (as a real election's donor does) sk1
      // must hold every acknowledged commit first: the quorum that acknowledged them may not have included it.
      long flushed;
      try (ResultSet rs = c.createStatement().executeQuery("SELECT pg_current_wal_flush_lsn()::text")) {
        rs.next();
        flushed = dev.argondb.pgformat.Lsn.parse(rs.getString(1));
      }
      long deadline = System.currentTimeMillis() + 30_000;
      while (state("sk1", timelineId).flushLsn() < flushed && System.currentTimeMillis() < deadline) {
        Thread.sleep(20);
      }
      TimelineState current = state("sk1", timelineId);
      assertTrue(current.flushLsn() >= flushed, "sk1 holds the acknowledged commits");
      long staleTerm = current.term();
      // Another compute was elected under a higher term on every safekeeper (a lagging one copies from sk1).
      List<TermStart> history = new ArrayList<>(current.termHistory());
      history.add(new TermStart(staleTerm + 1, current.flushLsn()));
      for (String sk : List.of("sk1", "sk2", "sk3")) {
        Bus.request(stack.vertx().eventBus(), BusAddresses.safekeeperPrepareTerm(sk), new PrepareTerm(tenant,
            timelineId, staleTerm + 1, history, current.flushLsn(), current.startLsn(),
            stack.safekeepers().ref("sk1")), TimelineState.class,
            10_000).await();
      }
      ExecutorService pool = Executors.newSingleThreadExecutor();
      try {
        Statement insert = c.createStatement();
        Future<Integer> stale = pool.submit(() -> insert.executeUpdate("INSERT INTO f VALUES (2)"));
        assertThrows(TimeoutException.class, () -> stale.get(3, TimeUnit.SECONDS),
            "the stale compute gets no commit acknowledgements");
        insert.cancel();
        stale.get(10, TimeUnit.SECONDS);
        SQLWarning warning = insert.getWarnings();
        assertTrue(warning != null && warning.getMessage().contains("synchronous replication"),
            "a cancelled wait reports the commit as not durable: " + warning);
      } finally {
        pool.shutdownNow();
      }
      // The stale term cannot be followed again either.
      FollowCompute staleFollow = new FollowCompute(tenant, timelineId, staleTerm, current.termHistory(),
          current.flushLsn(), null, "127.0.0.1", 1, "x", "y");
      assertThrows(Exception.class, () -> Bus.request(stack.vertx().eventBus(), BusAddresses.safekeeperFollow("sk1"),
          staleFollow, TimelineState.class, 10_000).await());
    }
    // A restart elects a new term above every safekeeper's: commits work again, the acknowledged row is there.
    api.post("/v1/endpoints/fenced/stop", new JsonObject());
    try (Connection c = connect("fenced")) {
      c.createStatement().execute("INSERT INTO f VALUES (3)");
      try (ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM f WHERE v IN (1, 3)")) {
        rs.next();
        assertEquals(2, rs.getInt(1));
      }
    }
    assertFalse(state("sk1", timelineId).termHistory().isEmpty());
  }
}
