package dev.argondb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.argondb.cli.stack.LocalStack;
import dev.argondb.cli.testing.TestLocalStack;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README walkthrough in one JVM: the whole local stack (clustered Vert.x, the control plane's
 * Postgres, control plane, compute agent, gateway), real Postgres computes, a JDBC client and psql
 * through the gateway, and the CLI's verbs.
 */
class LocalStackWalkthroughTest {
  private static TestLocalStack testStack;
  private static ArgonHome home;
  private static LocalStackSettings settings;
  private static LocalStack stack;
  private static ApiClient api;
  private static String tenant;

  @BeforeAll
  static void startStack() throws Exception {
    testStack = TestLocalStack.start("walkthrough", true);
    home = testStack.home();
    settings = testStack.settings();
    stack = testStack.stack();
    api = new ApiClient(settings.controlPlaneUrl());
    assertEquals(0, ArgonCli.run("tenant", "create", "--set-default"));
    settings = home.readSettings();
    tenant = settings.defaultTenantId();
  }

  @AfterAll
  static void stopStack() {
    if (testStack != null) {
      testStack.close();
    }
  }

  private static Connection connect(String endpoint) throws SQLException {
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + settings.gatewayPort()
            + "/postgres?options=endpoint%3D" + endpoint + "&connectTimeout=60",
        LocalStackSettings.ADMIN_ROLE, settings.adminPassword());
  }

  private static String state(String endpoint) {
    return api.get("/v1/endpoints/" + endpoint).getString("state");
  }

  private static void createBranch(String name) {
    api.post("/v1/tenants/" + tenant + "/timelines", new JsonObject().put("name", name));
  }

  @Test
  void anIdleEndpointSuspendsAndTheNextConnectionWakesItWithItsData() throws Exception {
    assertEquals(0, ArgonCli.run("endpoint", "create", "main", "--branch-name", "main", "--suspend-timeout", "2"));
    long computePid;
    try (Connection c = connect("main")) {
      c.createStatement().execute("CREATE TABLE t(key int primary key, value text)");
      c.createStatement().execute("INSERT INTO t VALUES (1,'1')");
      try (ResultSet rs = c.createStatement().executeQuery("SELECT value FROM t WHERE key = 1")) {
        assertTrue(rs.next());
        assertEquals("1", rs.getString(1));
      }
      try (ResultSet rs = c.createStatement().executeQuery("SELECT pg_postmaster_start_time(), pg_backend_pid()")) {
        rs.next();
      }
      computePid = postmasterPid("main");
      assertTrue(ProcessHandle.of(computePid).map(ProcessHandle::isAlive).orElse(false));
    }
    String listing = captureStdout(() -> ArgonCli.run("endpoint", "list"));
    assertTrue(listing.contains("ENDPOINT") && listing.contains("BRANCH NAME") && listing.contains("running"), listing);

    long deadline = System.currentTimeMillis() + 30_000;
    while (!state("main").equals("suspended") && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
    }
    assertEquals("suspended", state("main"), "idle for the suspend timeout");
    assertFalse(ProcessHandle.of(computePid).map(ProcessHandle::isAlive).orElse(false), "the Postgres process is gone");
    assertTrue(captureStdout(() -> ArgonCli.run("endpoint", "list")).contains("suspended"));

    try (Connection c = connect("main"); ResultSet rs = c.createStatement().executeQuery("SELECT value FROM t")) {
      assertTrue(rs.next(), "the row survived the suspend");
      assertEquals("1", rs.getString(1));
    }
    assertEquals("running", state("main"));
    assertEquals(2.0, stack.compute().metrics().startCount("main"));
  }

  @Test
  void twentyConcurrentFirstConnectionsShareOneStart() throws Exception {
    createBranch("burst");
    assertEquals(0, ArgonCli.run("endpoint", "create", "burst", "--branch-name", "burst", "--suspend-timeout", "0"));
    ExecutorService pool = Executors.newFixedThreadPool(20);
    try {
      List<Callable<Integer>> clients = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        clients.add(() -> {
          try (Connection c = connect("burst"); ResultSet rs = c.createStatement().executeQuery("SELECT 1")) {
            rs.next();
            return rs.getInt(1);
          }
        });
      }
      for (Future<Integer> result : pool.invokeAll(clients, 120, TimeUnit.SECONDS)) {
        assertEquals(1, result.get());
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(1.0, stack.compute().metrics().startCount("burst"), "one start for 20 first connections");
  }

  @Test
  void psqlConnectsThroughTheGateway() throws Exception {
    createBranch("psql");
    assertEquals(0, ArgonCli.run("endpoint", "create", "viapsql", "--branch-name", "psql"));
    Path psql = Path.of("/usr/bin/psql");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(psql), "psql is installed (postgresql-client)");
    Process process = new ProcessBuilder(psql.toString(), settings.connectionUrl("viapsql"), "-XAtqc",
        "SELECT 'through-' || current_user").redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS));
    assertEquals("through-cloud_admin", output);
  }

  @Test
  void aRoleCreatedAndResetWhileTheEndpointRunsWorksAtOnceOverTlsWithSni() throws Exception {
    createBranch("roles");
    assertEquals(0, ArgonCli.run("endpoint", "create", "roles", "--branch-name", "roles", "--suspend-timeout", "0"));
    try (Connection c = connect("roles")) {
      c.createStatement().execute("SELECT 1"); // the endpoint runs from here on
    }
    String created = captureStdout(() -> assertEquals(0, ArgonCli.run("role", "create", "app_user")));
    String password = created.substring(created.indexOf("(shown once): ") + "(shown once): ".length()).trim();
    Path psql = Path.of("/usr/bin/psql");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(psql), "psql is installed (postgresql-client)");
    String conninfo = "host=roles.argon.local hostaddr=127.0.0.1 port=" + settings.gatewayPort()
        + " dbname=postgres user=app_user sslmode=verify-full sslrootcert=" + home.tlsCertFile();
    assertEquals("app_user", runPsql(conninfo, password, "SELECT current_user"));
    assertTrue(captureStdout(() -> ArgonCli.run("role", "list")).contains("app_user"));

    String reset = captureStdout(() -> assertEquals(0, ArgonCli.run("role", "reset-password", "app_user")));
    String newPassword = reset.substring(reset.indexOf("(shown once): ") + "(shown once): ".length()).trim();
    assertTrue(runPsqlFails(conninfo, password).contains("password authentication failed"));
    assertEquals("app_user", runPsql(conninfo, newPassword, "SELECT current_user"));
  }

  private static String runPsql(String conninfo, String password, String sql) throws Exception {
    ProcessBuilder builder = new ProcessBuilder("/usr/bin/psql", conninfo, "-XAtc", sql).redirectErrorStream(true);
    builder.environment().put("PGPASSWORD", password);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, process.exitValue(), output);
    return output;
  }

  private static String runPsqlFails(String conninfo, String password) throws Exception {
    ProcessBuilder builder = new ProcessBuilder("/usr/bin/psql", conninfo, "-XAtc", "SELECT 1")
        .redirectErrorStream(true);
    builder.environment().put("PGPASSWORD", password);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS));
    assertTrue(process.exitValue() != 0, output);
    return output;
  }

  @Test
  void anUnknownEndpointIsNamedInTheError() {
    SQLException error = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class, () -> connect("nope"));
    assertTrue(error.getMessage().contains("nope"), error.getMessage());
  }

  @Test
  void aBranchHasAtMostOneReadWriteEndpoint() {
    createBranch("single");
    assertEquals(0, ArgonCli.run("endpoint", "create", "first", "--branch-name", "single"));
    String stderr = captureStderr(() -> assertEquals(1,
        ArgonCli.run("endpoint", "create", "second", "--branch-name", "single")));
    assertTrue(stderr.startsWith("argon: ") && stderr.contains("first"), stderr);
    assertEquals(1, stderr.strip().lines().count(), "one line: " + stderr);
  }

  @Test
  void cliUsageErrorsAreOneLineWithNonZeroExit() {
    String stderr = captureStderr(() -> assertEquals(2,
        ArgonCli.run("endpoint", "reconfigure", "main", "--suspend-timeout", "soon")));
    assertEquals(1, stderr.strip().lines().count(), stderr);
    assertTrue(stderr.contains("soon"), stderr);
  }

  private static long postmasterPid(String endpoint) throws Exception {
    String id = api.get("/v1/endpoints/" + endpoint).getString("id");
    return Long.parseLong(Files.readAllLines(home.computesDir().resolve("endpoints").resolve(id)
        .resolve("pgdata").resolve("postmaster.pid")).get(0).trim());
  }

  private static String captureStdout(Runnable action) {
    PrintStream original = System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.setOut(original);
    }
    return buffer.toString(StandardCharsets.UTF_8);
  }

  private static String captureStderr(Runnable action) {
    PrintStream original = System.err;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.setErr(original);
    }
    return buffer.toString(StandardCharsets.UTF_8);
  }
}
