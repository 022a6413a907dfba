package dev.argondb.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.argondb.pgruntime.FreePorts;
import dev.argondb.pgruntime.testing.TestPostgres;
import dev.argondb.gateway.protocol.StartupMessage;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A TLS gateway (self-signed certificate with SANs, two verticle instances, no default endpoint) in front of a
 * real Postgres: psql and pgjdbc with SNI routing, options and the password form; SCRAM at the gateway; cancel
 * through the cluster-wide key map; limits.
 */
class GatewayTlsAuthTest {
  private static final String PSQL = "/usr/bin/psql";

  /**
   * Every connection wakes its endpoint (no pool, no remembered addresses): the fake control plane's wake
   * count then tells which endpoint a connection was routed to.
   */
  private static final ReuseSettings ROUTE_BY_WAKE = ReuseSettings.defaults().withPool(0, 1).withCacheTtls(10_000, 0);

  private static Vertx vertx;
  private static TestPostgres postgres;
  private static Path certificate;
  private static GatewayConfig config;
  private static GatewayHandle gateway;
  private static FakeControlPlane controlPlane;

  /** The test's certificate and key; deleted at the end. */
  private static Path dir;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    postgres = TestPostgres.start();
    dir = Files.createTempDirectory("argon-gateway-tls-");
    certificate = dir.resolve("gateway.crt");
    Path key = dir.resolve("gateway.key");
    TlsCertificates.generateSelfSigned(certificate, key, TlsCertificates.localNames("argon.local"),
        List.of("127.0.0.1"));
    controlPlane = FakeControlPlane.start(vertx, postgres.port(), Set.of("main", "other"),
        FakeControlPlane.verifiersOf(postgres));
    config = GatewayConfig.defaults().withPorts(FreePorts.pick(), 0).withDefaultEndpoint(null)
        .withGatewayId("gateway-tls")
        .withTls(certificate.toString(), key.toString(), false).withInstances(2);
    gateway = GatewayService.deploy(vertx, config.withReuse(ROUTE_BY_WAKE), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
        .await(30, TimeUnit.SECONDS);
    SniSslSocketFactory.trustedCertificate = certificate;
  }

  @AfterAll
  static void stop() throws Exception {
    if (dir != null) {
      dev.argondb.pgruntime.PgFiles.deleteRecursively(dir);
    }
    if (vertx != null) {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  // ---- psql -----------------------------------------------------------------------------------------

  @Test
  void psqlWithVerifyFullRoutesBySniName() throws Exception {
    String conninfo = "host=main.argon.local hostaddr=127.0.0.1 port=" + gateway.port() + " dbname=postgres user="
        + TestPostgres.USER + " sslmode=verify-full sslrootcert=" + certificate + " connect_timeout=10";
    int before = controlPlane.wakeRequests("main");
    assertEquals("1", psql(conninfo, TestPostgres.PASSWORD, "SELECT 1"));
    assertEquals(before + 1, controlPlane.wakeRequests("main"), "routed by the SNI name main.argon.local");
  }

  @Test
  void psqlWithOptionsAndSslmodeRequire() throws Exception {
    String conninfo = "host=127.0.0.1 port=" + gateway.port() + " dbname=postgres user=" + TestPostgres.USER
        + " sslmode=require options=endpoint=other connect_timeout=10";
    int before = controlPlane.wakeRequests("other");
    assertEquals("42", psql(conninfo, TestPostgres.PASSWORD, "SELECT 6 * 7"));
    assertEquals(before + 1, controlPlane.wakeRequests("other"));
  }

  @Test
  void psqlWithThePasswordFormOverTls() throws Exception {
    String conninfo = "host=127.0.0.1 port=" + gateway.port() + " dbname=postgres user=" + TestPostgres.USER
        + " sslmode=verify-full sslrootcert=" + certificate + " connect_timeout=10";
    int before = controlPlane.wakeRequests("other");
    assertEquals("7", psql(conninfo, "endpoint=other;" + TestPostgres.PASSWORD, "SELECT 7"));
    assertEquals(before + 1, controlPlane.wakeRequests("other"));
  }

  @Test
  void psqlWithAWrongPasswordGets28P01() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(Path.of(PSQL)), "psql is not installed");
    String conninfo = "host=127.0.0.1 port=" + gateway.port() + " dbname=postgres user=" + TestPostgres.USER
        + " sslmode=require options=endpoint=main connect_timeout=10";
    ProcessBuilder builder = new ProcessBuilder(PSQL, conninfo, "-XAtc", "SELECT 1").redirectErrorStream(true);
    builder.environment().put("PGPASSWORD", "wrong");
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(30, TimeUnit.SECONDS));
    assertTrue(output.contains("password authentication failed for user \"" + TestPostgres.USER + "\""), output);
  }

  // ---- pgjdbc ---------------------------------------------------------------------------------------

  @Test
  void jdbcOverTlsWithSniOptionsAndThePasswordForm() throws Exception {
    SniSslSocketFactory.serverName = "other.argon.local";
    try {
      // SNI wins over options, as routing is ordered: SNI, options, password form, default.
      assertRoutedTo("other", () -> connect(tlsProperties("endpoint=main", TestPostgres.PASSWORD)));
    } finally {
      SniSslSocketFactory.serverName = null;
    }
    assertRoutedTo("other", () -> connect(tlsProperties("endpoint=other", TestPostgres.PASSWORD)));
    assertRoutedTo("main", () -> connect(tlsProperties(null, "endpoint=main;" + TestPostgres.PASSWORD)));
  }

  @Test
  void scramFailuresAre28P01AndRepeatedOnesAreSlowedDown() throws Exception {
    SQLException unknownRole = assertThrows(SQLException.class, () -> {
      Properties properties = tlsProperties("endpoint=main", "whatever");
      properties.setProperty("user", "nobody_here");
      connect(properties).close();
    });
    assertEquals("28P01", unknownRole.getSQLState(), unknownRole.getMessage());
    long slowest = 0;
    for (int i = 0; i < 5; i++) {
      long start = System.nanoTime();
      SQLException wrong = assertThrows(SQLException.class,
          () -> connect(tlsProperties("endpoint=main", "not-it")).close());
      assertEquals("28P01", wrong.getSQLState(), wrong.getMessage());
      slowest = Math.max(slowest, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }
    assertTrue(slowest >= 300, "the fifth failure in a row waits; slowest took " + slowest + " ms");
    assertRoutedTo("main", () -> connect(tlsProperties("endpoint=main", TestPostgres.PASSWORD)));
  }

  @Test
  void cancelOfPgSleepThroughTheGatewayOverTls() throws Exception {
    ExecutorService background = Executors.newSingleThreadExecutor();
    try (Connection connection = connect(tlsProperties("endpoint=main", TestPostgres.PASSWORD));
         Statement statement = connection.createStatement();
         Connection direct = DriverManager.getConnection(postgres.jdbcUrl(), TestPostgres.USER,
             TestPostgres.PASSWORD)) {
      Future<?> sleeping = background.submit(() -> statement.executeQuery("SELECT pg_sleep(60)"));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (count(direct, "SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(60)'"
          + " AND state = 'active'") == 0) {
        assertTrue(System.nanoTime() < deadline, "the query never started");
        Thread.sleep(20);
      }
      long cancelledAt = System.nanoTime();
      statement.cancel();
      ExecutionException failure = assertThrows(ExecutionException.class, () -> sleeping.get(10, TimeUnit.SECONDS));
      assertEquals("57014", assertInstanceOf(SQLException.class, failure.getCause()).getSQLState());
      assertTrue(System.nanoTime() - cancelledAt < TimeUnit.SECONDS.toNanos(5));
      assertEquals(1, count(connection, "SELECT 1"), "the connection survives the cancel");
    } finally {
      background.shutdownNow();
    }
  }

  // ---- protocol and limits --------------------------------------------------------------------------

  @Test
  void aSecondStartupMessageDuringAuthenticationEndsTheConnection() throws Exception {
    try (RawPgSocket raw = new RawPgSocket(gateway.port())) {
      byte[] startup = new StartupMessage(StartupMessage.PROTOCOL_3_0,
          Map.of("user", TestPostgres.USER, "options", "endpoint=main")).encode().getBytes();
      raw.send(startup);
      assertEquals('R', raw.readByte());
      raw.readInt();
      assertEquals(10, raw.readInt(), "AuthenticationSASL");
      raw.readBytes(15); // "SCRAM-SHA-256\0\0"
      // What PgBouncer 1.17-1.26 let through: another user's StartupMessage instead of a SASL response.
      raw.send(new StartupMessage(StartupMessage.PROTOCOL_3_0, Map.of("user", "postgres")).encode().getBytes());
      Map<Character, String> error = RawPgSocket.errorFields(raw.readUntilClosed());
      assertEquals("08P01", error.get('C'), error.toString());
    }
  }

  @Test
  void plainLoopbackClientWithoutEndpointIsAskedForThePasswordForm() throws Exception {
    Properties properties = tlsProperties(null, "endpoint=other;" + TestPostgres.PASSWORD);
    properties.setProperty("sslmode", "disable");
    assertRoutedTo("other", () -> connect(properties));
  }

  @Test
  void perEndpointLimitAndRequiredTls() throws Exception {
    GatewayHandle limited = GatewayService.deploy(vertx,
        config.withInstances(1).withPorts(0, 0).withMaxConnectionsPerEndpoint(2).withHost("0.0.0.0")
            .withTls(config.tlsCertPath(), config.tlsKeyPath(), true).withReuse(ROUTE_BY_WAKE),
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)).await(30, TimeUnit.SECONDS);
    try {
      List<Connection> open = new ArrayList<>();
      try {
        for (int i = 0; i < 2; i++) {
          open.add(DriverManager.getConnection(url(limited.port()), tlsProperties("endpoint=main",
              TestPostgres.PASSWORD)));
        }
        SQLException third = assertThrows(SQLException.class, () -> DriverManager.getConnection(
            url(limited.port()), tlsProperties("endpoint=main", TestPostgres.PASSWORD)).close());
        assertEquals("53300", third.getSQLState(), third.getMessage());
        assertTrue(third.getMessage().contains("\"main\""), third.getMessage());
      } finally {
        for (Connection c : open) {
          c.close();
        }
      }
      InetAddress external = nonLoopbackAddress();
      Assumptions.assumeTrue(external != null, "no non-loopback IPv4 address");
      Properties plain = tlsProperties("endpoint=main", TestPostgres.PASSWORD);
      plain.setProperty("sslmode", "disable");
      String externalUrl = "jdbc:postgresql://" + external.getHostAddress() + ":" + limited.port() + "/postgres";
      SQLException refused = assertThrows(SQLException.class,
          () -> DriverManager.getConnection(externalUrl, plain).close());
      assertEquals("28000", refused.getSQLState(), refused.getMessage());
      Properties tls = tlsProperties("endpoint=main", TestPostgres.PASSWORD);
      tls.setProperty("sslmode", "require"); // the certificate does not name this machine's address
      assertRoutedTo("main", () -> DriverManager.getConnection(externalUrl, tls));
    } finally {
      limited.undeploy(vertx).await(30, TimeUnit.SECONDS);
    }
  }

  // ---- helpers --------------------------------------------------------------------------------------

  private static InetAddress nonLoopbackAddress() throws Exception {
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nic.isUp() || nic.isLoopback()) {
        continue;
      }
      for (InetAddress address : Collections.list(nic.getInetAddresses())) {
        if (address instanceof Inet4Address) {
          return address;
        }
      }
    }
    return null;
  }

  private static String psql(String conninfo, String password, String sql) throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(Path.of(PSQL)), "psql is not installed");
    ProcessBuilder builder = new ProcessBuilder(PSQL, conninfo, "-XAtc", sql).redirectErrorStream(true);
    builder.environment().put("PGPASSWORD", password);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), "psql did not finish");
    assertEquals(0, process.exitValue(), output);
    return output;
  }

  private static String url(int port) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
  }

  private static Properties tlsProperties(String options, String password) {
    Properties properties = new Properties();
    properties.setProperty("user", TestPostgres.USER);
    properties.setProperty("password", password);
    properties.setProperty("sslmode", "verify-full");
    properties.setProperty("sslfactory", SniSslSocketFactory.class.getName());
    properties.setProperty("connectTimeout", "10");
    properties.setProperty("socketTimeout", "60");
    if (options != null) {
      properties.setProperty("options", options);
    }
    return properties;
  }

  private static Connection connect(Properties properties) throws SQLException {
    return DriverManager.getConnection(url(gateway.port()), properties);
  }

  interface Connector {
    Connection open() throws SQLException;
  }

  /** Both endpoints run on one Postgres: the fake control plane's wake count tells which one was routed to. */
  private static void assertRoutedTo(String endpoint, Connector connector) throws SQLException {
    int before = controlPlane.wakeRequests(endpoint);
    try (Connection connection = connector.open()) {
      assertEquals(1, count(connection, "SELECT 1"));
    }
    assertEquals(before + 1, controlPlane.wakeRequests(endpoint), "routed to " + endpoint);
  }

  private static long count(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }
}
