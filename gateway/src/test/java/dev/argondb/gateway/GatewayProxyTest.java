package dev.argondb.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.argondb.bus.BusAddresses;
import dev.argondb.bus.EndpointConnections;
import dev.argondb.pgruntime.testing.TestPostgres;
import dev.argondb.gateway.protocol.StartupMessage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The gateway in front of a real Postgres, with a fake control plane answering wake requests. */
@ExtendWith(VertxExtension.class)
class GatewayProxyTest {
  private static final long STARTUP_TIMEOUT_MILLIS = 2_000;

  private static Vertx vertx;
  private static TestPostgres postgres;
  private static PrometheusMeterRegistry registry;
  private static FakeControlPlane controlPlane;
  private static GatewayConfig config;
  private static GatewayHandle gateway;
  private static Map<String, String> verifiers;

  @BeforeAll
  static void startGateway(Vertx testVertx) throws Exception {
    vertx = testVertx;
    postgres = TestPostgres.start();
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    verifiers = FakeControlPlane.verifiersOf(postgres);
    controlPlane = FakeControlPlane.start(vertx, postgres.port(), Set.of("main", "activity", "named", "burst", "leaving"), verifiers);
    config = GatewayConfig.defaults().withPorts(0, 0).withDefaultEndpoint("main")
        .withTimeouts(STARTUP_TIMEOUT_MILLIS, 10_000).withGatewayId("gateway-test");
    gateway = GatewayService.deploy(vertx, config, registry).await(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stopPostgres() throws IOException {
    if (postgres != null) {
      postgres.close();
    }
  }

  // ---- (a) relaying real clients ------------------------------------------------------------------

  @Test
  void jdbcClientNamingTheEndpointInOptionsRunsStatements() throws Exception {
    int wakesBefore = controlPlane.wakeRequests("named");
    // Other switches in options must reach Postgres; the endpoint token must not (Postgres would refuse it).
    try (Connection connection = connect("-c statement_timeout=4321 endpoint=named");
         Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE relay_check (id int PRIMARY KEY, name text)");
      statement.execute("INSERT INTO relay_check SELECT g, 'row ' || g FROM generate_series(1, 1000) g");
      try (ResultSet rows = statement.executeQuery("SELECT count(*), sum(id), max(name) FROM relay_check")) {
        rows.next();
        assertEquals(1000, rows.getInt(1));
        assertEquals(500500, rows.getInt(2));
        assertEquals("row 999", rows.getString(3));
      }
      assertEquals("4321ms", queryString(connection, "SHOW statement_timeout"));
      // Several megabytes each way: larger than any socket buffer, so back-pressure paths run.
      String big = "x".repeat(4_000_000);
      try (var echo = connection.prepareStatement("SELECT length(?), repeat('y', 6000000)")) {
        echo.setString(1, big);
        try (ResultSet rows = echo.executeQuery()) {
          rows.next();
          assertEquals(big.length(), rows.getInt(1));
          assertEquals(6_000_000, rows.getString(2).length());
        }
      }
    }
    assertEquals(wakesBefore + 1, controlPlane.wakeRequests("named"));
  }

  @Test
  void jdbcClientWithoutOptionsUsesTheDefaultEndpoint() throws Exception {
    int wakesBefore = controlPlane.wakeRequests("main");
    try (Connection connection = connect(null)) {
      assertEquals(42, queryInt(connection, "SELECT 42"));
    }
    // One wake at most: "main" may be remembered as running from an earlier test.
    assertTrue(controlPlane.wakeRequests("main") - wakesBefore <= 1);
    assertTrue(controlPlane.wakeRequests("main") >= 1);
  }

  @Test
  void psqlConnectsWithAnOptionsUrl() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/psql")), "psql is not installed");
    String url = "postgresql://" + TestPostgres.USER + ":" + TestPostgres.PASSWORD + "@127.0.0.1:" + gateway.port()
        + "/postgres?options=endpoint%3Dmain&connect_timeout=10";
    Process psql = new ProcessBuilder("/usr/bin/psql", url, "-XAtc", "select 6 * 7").redirectErrorStream(true).start();
    assertTrue(psql.waitFor(30, TimeUnit.SECONDS), "psql did not finish");
    String output = new String(psql.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertEquals(0, psql.exitValue(), output);
    assertEquals("42", output);
  }

  @Test
  void aWrongPasswordIsRefusedByTheGatewayWith28P01() {
    Properties wrongPassword = new Properties();
    wrongPassword.setProperty("password", "not-the-password");
    SQLException error = assertThrows(SQLException.class, () -> connect("endpoint=main", wrongPassword).close());
    assertEquals("28P01", error.getSQLState(), error.getMessage());
  }

  // ---- (b) wake coalescing --------------------------------------------------------------------------

  @Test
  void concurrentFirstConnectionsShareOneWake() throws Exception {
    int clients = 20;
    int wakesBefore = controlPlane.wakeRequests("burst");
    Gauge waiting = registry.find("argon.gateway.connections.waking").gauge();
    long holdStart = System.nanoTime();
    // A slow cold start: the reply waits at least 300 ms and until every client waits for this wake.
    controlPlane.holdRepliesUntil(() -> waiting.value() >= clients
        && System.nanoTime() - holdStart >= TimeUnit.MILLISECONDS.toNanos(300));
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        int n = i;
        results.add(pool.submit(() -> {
          try (Connection connection = connect("endpoint=burst")) {
            return queryInt(connection, "SELECT " + n);
          }
        }));
      }
      for (int i = 0; i < clients; i++) {
        assertEquals(i, results.get(i).get(60, TimeUnit.SECONDS));
      }
    } finally {
      controlPlane.holdRepliesUntil(null);
      pool.shutdownNow();
    }
    assertEquals(wakesBefore + 1, controlPlane.wakeRequests("burst"), "all first connections share one wake");
    assertEquals(0.0, waiting.value());
  }

  @Test
  void clientLeavingDuringTheWakeIsNeverRelayed() throws Exception {
    Gauge waiting = registry.find("argon.gateway.connections.waking").gauge();
    Gauge open = registry.find("argon.gateway.client.connections").gauge();
    Counter abandoned = registry.counter("argon.gateway.connections", "endpoint", "leaving", "outcome", "abandoned");
    Counter relayed = registry.counter("argon.gateway.connections", "endpoint", "leaving", "outcome", "relayed");
    double abandonedBefore = abandoned.count();
    double relayedBefore = relayed.count();
    AtomicBoolean release = new AtomicBoolean();
    controlPlane.holdRepliesUntil(release::get);
    try {
      try (RawPgSocket raw = new RawPgSocket(gateway.port())) {
        RawScramClient.authenticate(raw, Map.of("user", TestPostgres.USER, "options", "endpoint=leaving"),
            TestPostgres.PASSWORD, verifiers.get(TestPostgres.USER));
        awaitCondition(() -> waiting.value() == 1, "the connection waits for the wake");
      }
      // The socket is paused while the endpoint wakes; its close must still end the session.
      awaitCondition(() -> open.value() == 0, "the session ends while the wake is still pending");
    } finally {
      release.set(true);
      controlPlane.holdRepliesUntil(null);
    }
    awaitCondition(() -> waiting.value() == 0, "the wake completes");
    assertEquals(abandonedBefore + 1, abandoned.count());
    assertEquals(relayedBefore, relayed.count());
  }

  // ---- (c) garbage ----------------------------------------------------------------------------------

  @Test
  void garbageStartupPacketsGetProtocolViolationWhileARealClientKeepsWorking() throws Exception {
    AtomicBoolean garbageDone = new AtomicBoolean();
    ExecutorService background = Executors.newSingleThreadExecutor();
    try (Connection busy = connect("endpoint=main")) {
      Future<Integer> queriesRun = background.submit(() -> {
        int count = 0;
        while (!garbageDone.get() || count < 10) {
          assertEquals(count, queryInt(busy, "SELECT " + count));
          count++;
        }
        return count;
      });
      Map<String, byte[]> garbage = garbagePackets();
      for (Map.Entry<String, byte[]> packet : garbage.entrySet()) {
        try (RawPgSocket raw = new RawPgSocket(gateway.port())) {
          raw.send(packet.getValue());
          Map<Character, String> error = RawPgSocket.errorFields(raw.readUntilClosed());
          assertEquals("08P01", error.get('C'), packet.getKey() + ": " + error);
          assertEquals("FATAL", error.get('S'), packet.getKey());
          assertNotNull(error.get('M'), packet.getKey());
        }
      }
      garbageDone.set(true);
      assertTrue(queriesRun.get(30, TimeUnit.SECONDS) >= 10);
      try (Connection fresh = connect("endpoint=main")) {
        assertEquals(1, queryInt(fresh, "SELECT 1"));
      }
    } finally {
      garbageDone.set(true);
      background.shutdownNow();
    }
  }

  private static Map<String, byte[]> garbagePackets() {
    Map<String, byte[]> packets = new LinkedHashMap<>();
    packets.put("length 4", Buffer.buffer().appendInt(4).getBytes());
    packets.put("length 2^30", Buffer.buffer().appendInt(1 << 30).appendInt(StartupMessage.PROTOCOL_3_0).getBytes());
    packets.put("protocol 2.0", Buffer.buffer().appendInt(8).appendInt(2 << 16).getBytes());
    packets.put("unknown code", Buffer.buffer().appendInt(8).appendInt(12345678).getBytes());
    packets.put("no terminator", Buffer.buffer().appendInt(8 + 10).appendInt(StartupMessage.PROTOCOL_3_0)
        .appendString("user\0alice").getBytes());
    packets.put("cancel of wrong length", Buffer.buffer().appendInt(12).appendInt(80877102).appendInt(1).getBytes());
    Random random = new Random(20240601);
    for (int i = 0; i < 3; i++) {
      byte[] bytes = new byte[64];
      do {
        random.nextBytes(bytes);
      } while (Buffer.buffer(bytes).getInt(0) >= 8 && Buffer.buffer(bytes).getInt(0) <= 10_000);
      packets.put("random bytes " + i, bytes);
    }
    for (int i = 0; i < 3; i++) {
      byte[] bytes = new byte[64];
      do {
        random.nextBytes(bytes);
      } while (StartupMessage.majorVersion(Buffer.buffer(bytes).getInt(4)) == StartupMessage.MAJOR_VERSION_3);
      packets.put("random body " + i, Buffer.buffer().appendInt(64).appendBytes(bytes, 4, 60).getBytes());
    }
    return packets;
  }

  @Test
  void silentClientIsClosedAfterTheStartupTimeout() throws Exception {
    try (RawPgSocket raw = new RawPgSocket(gateway.port())) {
      long start = System.nanoTime();
      raw.send(new byte[] {0, 0, 0});
      byte[] received = raw.readUntilClosed();
      long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertEquals(0, received.length);
      assertTrue(elapsedMillis >= STARTUP_TIMEOUT_MILLIS - 200, "closed after " + elapsedMillis + " ms");
    }
  }

  // ---- (d) routing errors ---------------------------------------------------------------------------

  @Test
  void unknownEndpointIsReportedByName() {
    int wakesBefore = controlPlane.wakeRequests("nope");
    SQLException error = assertThrows(SQLException.class, () -> connect("endpoint=nope").close());
    assertEquals("3D000", error.getSQLState(), error.getMessage());
    assertTrue(error.getMessage().contains("\"nope\""), error.getMessage());
    assertEquals(wakesBefore, controlPlane.wakeRequests("nope"), "no wake for an endpoint that does not exist");
  }

  @Test
  void withoutDefaultEndpointAClientMustNameOne() throws Exception {
    PrometheusMeterRegistry ownRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    GatewayHandle strict = GatewayService.deploy(vertx, config.withDefaultEndpoint(null), ownRegistry)
        .await(30, TimeUnit.SECONDS);
    try {
      SQLException error = assertThrows(SQLException.class,
          () -> DriverManager.getConnection(jdbcUrl(strict.port()), clientProperties(null)).close());
      assertEquals("08P01", error.getSQLState(), error.getMessage());
      assertTrue(error.getMessage().contains("no endpoint specified"), error.getMessage());
    } finally {
      strict.undeploy(vertx).await(30, TimeUnit.SECONDS);
    }
  }

  // ---- (e) SSL and GSSAPI negotiation -------------------------------------------------------------

  @Test
  void sslAndGssRequestsAreRefusedWithNThenStartupProceeds() throws Exception {
    try (RawPgSocket raw = new RawPgSocket(gateway.port())) {
      raw.send(Buffer.buffer().appendInt(8).appendInt(80877104).getBytes());
      assertEquals('N', raw.readByte());
      raw.send(Buffer.buffer().appendInt(8).appendInt(80877103).getBytes());
      assertEquals('N', raw.readByte());
      raw.send(new StartupMessage(StartupMessage.PROTOCOL_3_0, Map.of("user", TestPostgres.USER,
          "database", "postgres", "options", "endpoint=main")).encode().getBytes());
      assertEquals('R', raw.readByte(), "the compute asks the client to authenticate");
      raw.readInt();
      assertEquals(10, raw.readInt(), "AuthenticationSASL");
    }
    try (RawPgSocket raw = new RawPgSocket(gateway.port())) {
      raw.send(Buffer.buffer().appendInt(8).appendInt(80877103).appendInt(8).appendInt(80877103).getBytes());
      assertEquals('N', raw.readByte());
      assertEquals("08P01", RawPgSocket.errorFields(raw.readUntilClosed()).get('C'), "a second SSLRequest");
    }
    Properties prefer = new Properties();
    prefer.setProperty("sslmode", "prefer");
    try (Connection connection = connect("endpoint=main", prefer)) {
      assertEquals(5, queryInt(connection, "SELECT 5"));
    }
  }

  // ---- (f) cancel -----------------------------------------------------------------------------------

  @Test
  void statementCancelThroughTheGatewayStopsTheQuery() throws Exception {
    Counter cancels = registry.counter("argon.gateway.connections", "endpoint", "main", "outcome", "cancel");
    double cancelsBefore = cancels.count();
    ExecutorService background = Executors.newSingleThreadExecutor();
    try (Connection connection = connect("endpoint=main");
         Statement statement = connection.createStatement();
         Connection direct = DriverManager.getConnection(postgres.jdbcUrl(), TestPostgres.USER,
             TestPostgres.PASSWORD)) {
      Future<?> sleeping = background.submit(() -> statement.executeQuery("SELECT pg_sleep(30)"));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (queryInt(direct, "SELECT count(*) FROM pg_stat_activity WHERE state = 'active'"
          + " AND query = 'SELECT pg_sleep(30)'") == 0) {
        assertTrue(System.nanoTime() < deadline, "the query never started");
        Thread.sleep(20);
      }
      long cancelledAt = System.nanoTime();
      statement.cancel();
      ExecutionException failure = assertThrows(ExecutionException.class, () -> sleeping.get(10, TimeUnit.SECONDS));
      SQLException error = assertInstanceOf(SQLException.class, failure.getCause());
      assertEquals("57014", error.getSQLState(), error.getMessage());
      assertTrue(System.nanoTime() - cancelledAt < TimeUnit.SECONDS.toNanos(5));
      assertEquals(1, queryInt(connection, "SELECT 1"), "the connection survives the cancel");
    } finally {
      background.shutdownNow();
    }
    assertEquals(cancelsBefore + 1, cancels.count());
  }

  // ---- (g) activity events and metrics ------------------------------------------------------------

  @Test
  void activityEventsFollowTheConnectionCountAndMetricsAreServed() throws Exception {
    BlockingQueue<EndpointConnections> events = new LinkedBlockingQueue<>();
    MessageConsumer<EndpointConnections> consumer = vertx.eventBus().consumer(BusAddresses.GATEWAY_ACTIVITY,
        message -> {
          if (message.body().endpointName().equals("activity")) {
            events.add(message.body());
          }
        });
    consumer.completion().await();
    try {
      try (Connection connection = connect("endpoint=activity")) {
        EndpointConnections opened = events.poll(10, TimeUnit.SECONDS);
        assertNotNull(opened, "no event for the new connection");
        assertEquals(1, opened.activeConnections());
        assertEquals("gateway-test", opened.gatewayId());
        assertEquals(3, queryInt(connection, "SELECT 3"));
      }
      EndpointConnections closed = events.poll(10, TimeUnit.SECONDS);
      assertNotNull(closed, "no event for the closed connection");
      assertEquals(0, closed.activeConnections());
    } finally {
      consumer.unregister().await();
    }

    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + gateway.httpPort();
    HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, metrics.statusCode());
    String body = metrics.body();
    for (String expected : List.of(
        "argon_gateway_connections_active{endpoint=\"activity\"} 0",
        "argon_gateway_connections_total{endpoint=\"activity\",outcome=\"relayed\"} 1",
        "argon_gateway_wake_duration_seconds_bucket{endpoint=\"activity\",outcome=\"success\"",
        "argon_gateway_relayed_bytes_total{direction=\"client_to_compute\",endpoint=\"activity\"}",
        "argon_gateway_relayed_bytes_total{direction=\"compute_to_client\",endpoint=\"activity\"}",
        "argon_gateway_client_connections ",
        "argon_gateway_startups_total{transport=\"plain\"}",
        "argon_gateway_relay_latency_seconds_bucket{endpoint=\"activity\"",
        "argon_gateway_connections_waking ")) {
      assertTrue(body.contains(expected), "missing " + expected + " in\n" + gatewayLines(body));
    }
    HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, health.statusCode());
    assertTrue(health.body().contains("\"status\":\"ok\""), health.body());
  }

  private static String gatewayLines(String scrape) {
    return String.join("\n", scrape.lines().filter(line -> line.contains("argon_gateway")).toList());
  }

  // ---- helpers --------------------------------------------------------------------------------------

  private static void awaitCondition(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out waiting: " + what);
      Thread.sleep(20);
    }
  }

  private static String jdbcUrl(int port) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
  }

  private static Properties clientProperties(String options) {
    Properties properties = new Properties();
    properties.setProperty("user", TestPostgres.USER);
    properties.setProperty("password", TestPostgres.PASSWORD);
    properties.setProperty("connectTimeout", "10");
    properties.setProperty("loginTimeout", "30");
    properties.setProperty("socketTimeout", "60");
    if (options != null) {
      properties.setProperty("options", options);
    }
    return properties;
  }

  private static Connection connect(String options) throws SQLException {
    return connect(options, new Properties());
  }

  private static Connection connect(String options, Properties overrides) throws SQLException {
    Properties properties = clientProperties(options);
    properties.putAll(overrides);
    return DriverManager.getConnection(jdbcUrl(gateway.port()), properties);
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
