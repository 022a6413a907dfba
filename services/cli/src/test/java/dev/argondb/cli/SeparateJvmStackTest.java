package dev.argondb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.argondb.cli.stack.ControlPlaneDatabase;
import dev.argondb.cli.testing.ServiceJvm;
import dev.argondb.pgruntime.FreePorts;
import dev.argondb.pgruntime.OrphanedPostmaster;
import dev.argondb.pgruntime.PgProcess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The services as separate JVMs on separate addresses (control plane 127.0.0.2, compute agent 127.0.0.3,
 * gateway 127.0.0.4, safekeepers 127.0.0.5-7, pageserver 127.0.0.8), joined only by Hazelcast over TCP,
 * started by {@code argon service <role>} from one config file plus per-process environment overrides. The
 * walkthrough (write, branch, read on the branch) runs through the gateway, then a safekeeper's JVM is
 * killed, then the compute agent's JVM is killed and restarted.
 */
class SeparateJvmStackTest {
  private static final String CONTROL_PLANE_HOST = "127.0.0.2";
  private static final String COMPUTE_HOST = "127.0.0.3";
  private static final String GATEWAY_HOST = "127.0.0.4";
  /** Safekeepers sk1..sk3 on 127.0.0.5..7: every COMMIT waits for two of them. */
  private static final List<String> SAFEKEEPER_HOSTS = List.of("127.0.0.5", "127.0.0.6", "127.0.0.7");
  private static final String PAGESERVER_HOST = "127.0.0.8";
  private static final Duration START = Duration.ofSeconds(90);

  private static Path dir;
  private static PgProcess controlDb;
  private static final List<ServiceJvm> jvms = new ArrayList<>();
  private static ServiceJvm controlPlane;
  private static ServiceJvm compute;
  private static ServiceJvm gateway;
  private static ServiceJvm pageserver;
  private static int pageserverPort;
  private static final List<ServiceJvm> safekeepers = new ArrayList<>();
  private static Path config;
  private static int controlPlanePort;
  private static int computeHttpPort;
  private static int gatewayPort;
  private static int gatewayHttpPort;
  private static final Map<String, Integer> clusterPorts = new java.util.HashMap<>();
  private static ApiClient api;
  private static final String PASSWORD = "separate-jvms";

  @BeforeAll
  static void startServices() throws Exception {
    dir = Files.createTempDirectory("argon-jvms-");
    ArgonHome home = new ArgonHome(dir);
    LocalStackSettings db = LocalStackSettings.defaults().withPorts(0, 0, 0, 0, FreePorts.pick());
    ControlPlaneDatabase.initialize(home, db);
    controlDb = ControlPlaneDatabase.start(home, db);

    controlPlanePort = ServiceJvm.freePort(CONTROL_PLANE_HOST);
    computeHttpPort = ServiceJvm.freePort(COMPUTE_HOST);
    gatewayPort = ServiceJvm.freePort(GATEWAY_HOST);
    gatewayHttpPort = ServiceJvm.freePort(GATEWAY_HOST);
    pageserverPort = ServiceJvm.freePort(PAGESERVER_HOST);
    JsonArray members = new JsonArray();
    List<String> hosts = new ArrayList<>(List.of(CONTROL_PLANE_HOST, COMPUTE_HOST, GATEWAY_HOST, PAGESERVER_HOST));
    hosts.addAll(SAFEKEEPER_HOSTS);
    JsonArray safekeeperRefs = new JsonArray();
    Map<String, Integer> safekeeperPorts = new java.util.HashMap<>();
    for (int i = 0; i < SAFEKEEPER_HOSTS.size(); i++) {
      String host = SAFEKEEPER_HOSTS.get(i);
      safekeeperPorts.put(host, ServiceJvm.freePort(host));
      safekeeperRefs.add(new JsonObject().put("id", "sk" + (i + 1)).put("host", host)
          .put("grpc_port", safekeeperPorts.get(host)));
    }
    for (String host : hosts) {
      clusterPorts.put(host, ServiceJvm.freePort(host));
      members.add(host + ":" + clusterPorts.get(host));
    }
    // One file for the whole deployment; each process sets its own cluster address by environment.
    config = dir.resolve("argon.json");
    Files.writeString(config, new JsonObject()
        .put("cluster", new JsonObject().put("name", "argon-jvms-" + ProcessHandle.current().pid()).put("members", members))
        .put("control-plane", new JsonObject().put("http_host", CONTROL_PLANE_HOST).put("http_port", controlPlanePort)
            .put("database_url", ControlPlaneDatabase.url(db)).put("compute_start_timeout_millis", 20_000)
            .put("safekeepers", safekeeperRefs).put("wal_quorum", 2)
            .put("pageserver", new JsonObject().put("host", PAGESERVER_HOST).put("grpc_port", pageserverPort)))
        .put("pageserver", new JsonObject().put("host", PAGESERVER_HOST).put("http_port", pageserverPort)
            .put("data_dir", dir.resolve("pageserver").toString()))
        .put("compute", new JsonObject().put("data_root", dir.resolve("computes").toString())
            .put("compute_host", COMPUTE_HOST).put("http_host", COMPUTE_HOST).put("http_port", computeHttpPort))
        .put("gateway", new JsonObject().put("host", GATEWAY_HOST).put("port", gatewayPort)
            .put("http_host", GATEWAY_HOST).put("http_port", gatewayHttpPort).put("wake_timeout_millis", 30_000))
        .encodePrettily());

    for (int i = 0; i < SAFEKEEPER_HOSTS.size(); i++) {
      String host = SAFEKEEPER_HOSTS.get(i);
      safekeepers.add(start("safekeeper", host, Map.of("ARGON_SAFEKEEPER_ID", "sk" + (i + 1),
          "ARGON_SAFEKEEPER_HOST", host, "ARGON_SAFEKEEPER_HTTP_PORT", Integer.toString(safekeeperPorts.get(host)),
          "ARGON_SAFEKEEPER_DATA_DIR", dir.resolve("sk" + (i + 1)).toString())));
    }
    pageserver = start("pageserver", PAGESERVER_HOST);
    controlPlane = start("control-plane", CONTROL_PLANE_HOST);
    compute = start("compute", COMPUTE_HOST);
    gateway = start("gateway", GATEWAY_HOST);
    for (int i = 0; i < SAFEKEEPER_HOSTS.size(); i++) {
      safekeepers.get(i).awaitHealthy(SAFEKEEPER_HOSTS.get(i), safekeeperPorts.get(SAFEKEEPER_HOSTS.get(i)), START);
    }
    pageserver.awaitHealthy(PAGESERVER_HOST, pageserverPort, START);
    controlPlane.awaitHealthy(CONTROL_PLANE_HOST, controlPlanePort, START);
    compute.awaitHealthy(COMPUTE_HOST, computeHttpPort, START);
    gateway.awaitHealthy(GATEWAY_HOST, gatewayHttpPort, START);
    gateway.awaitClusterMembers(GATEWAY_HOST, gatewayHttpPort, 7, START);
    controlPlane.awaitClusterMembers(CONTROL_PLANE_HOST, controlPlanePort, 7, START);
    api = new ApiClient("http://" + CONTROL_PLANE_HOST + ":" + controlPlanePort);
  }

  private static ServiceJvm start(String role, String host) throws Exception {
    return start(role, host, Map.of());
  }

  private static ServiceJvm start(String role, String host, Map<String, String> settings) throws Exception {
    Map<String, String> environment = new java.util.HashMap<>(settings);
    environment.put("ARGON_CLUSTER_HOST", host);
    environment.put("ARGON_CLUSTER_PORT", Integer.toString(clusterPorts.get(host)));
    ServiceJvm jvm = ServiceJvm.start(role, config, environment, dir);
    jvms.add(jvm);
    return jvm;
  }

  @AfterAll
  static void stopServices() throws Exception {
    // Gateway and control plane first, then the agent (SIGTERM: it suspends its computes).
    for (int i = jvms.size() - 1; i >= 0; i--) {
      jvms.get(i).stop(Duration.ofSeconds(30));
    }
    if (dir != null && Files.isDirectory(dir.resolve("computes/endpoints"))) {
      try (var endpoints = Files.list(dir.resolve("computes/endpoints"))) {
        for (Path endpoint : endpoints.toList()) {
          var orphan = OrphanedPostmaster.in(endpoint.resolve("pgdata"));
          if (orphan.isPresent()) {
            orphan.get().stop(Duration.ofSeconds(30));
          }
        }
      }
    }
    if (controlDb != null) {
      controlDb.stop(PgProcess.Shutdown.FAST, Duration.ofSeconds(30));
    }
    dev.argondb.cli.testing.TestDirs.deleteUnlessKept(dir);
  }

  private static Connection connect(String endpoint) throws SQLException {
    return DriverManager.getConnection("jdbc:postgresql://" + GATEWAY_HOST + ":" + gatewayPort
            + "/postgres?options=endpoint%3D" + endpoint + "&connectTimeout=60",
        LocalStackSettings.ADMIN_ROLE, PASSWORD);
  }

  private static String valuesIn(String endpoint) throws SQLException {
    try (Connection c = connect(endpoint);
         ResultSet rs = c.createStatement().executeQuery("SELECT string_agg(value, ',' ORDER BY key) FROM t")) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static void write(String endpoint, int key, String value) throws SQLException {
    try (Connection c = connect(endpoint)) {
      c.createStatement().execute("CREATE TABLE IF NOT EXISTS t(key int primary key, value text)");
      c.createStatement().execute("INSERT INTO t VALUES (" + key + ", '" + value + "')");
    }
  }

  private static void awaitState(String endpoint, String state, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!state.equals(api.get("/v1/endpoints/" + endpoint).getString("state")) && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertEquals(state, api.get("/v1/endpoints/" + endpoint).getString("state"), endpoint);
  }

  @Test
  void theWalkthroughRunsAcrossJvmsAndSurvivesTheComputeAgentsJvmDying() throws Exception {
    String tenant = api.post("/v1/tenants", new JsonObject()).getString("id");
    api.post("/v1/tenants/" + tenant + "/roles", new JsonObject().put("name", LocalStackSettings.ADMIN_ROLE)
        .put("password", PASSWORD));
    api.post("/v1/tenants/" + tenant + "/endpoints", new JsonObject().put("name", "main")
        .put("branch_name", "main").put("suspend_timeout_seconds", 0));
    write("main", 1, "on-main");
    // A branch (on the pageserver's JVM) of main at its latest LSN, with its own compute.
    api.post("/v1/tenants/" + tenant + "/timelines", new JsonObject().put("name", "second")
        .put("ancestor_branch_name", "main"));
    api.post("/v1/tenants/" + tenant + "/endpoints", new JsonObject().put("name", "second")
        .put("branch_name", "second").put("suspend_timeout_seconds", 0));
    assertEquals("on-main", valuesIn("second"), "the branch reads its parent's row");
    write("second", 2, "on-second");
    assertEquals("on-main", valuesIn("main"));
    assertEquals("on-main,on-second", valuesIn("second"));
    assertEquals(COMPUTE_HOST, api.get("/v1/endpoints/main").getString("host"),
        "the agent advertises its own host, where the compute listens");

    // One safekeeper's JVM dies: the other two are a quorum, COMMITs go on.
    safekeepers.get(2).kill();
    write("main", 3, "after-sk3-died");
    assertEquals("on-main,after-sk3-died", valuesIn("main"));

    api.post("/v1/endpoints/second/stop", new JsonObject());
    awaitState("second", "suspended", Duration.ofSeconds(30));

    compute.kill();
    gateway.awaitClusterMembers(GATEWAY_HOST, gatewayHttpPort, 5, Duration.ofSeconds(60));
    controlPlane.awaitClusterMembers(CONTROL_PLANE_HOST, controlPlanePort, 5, Duration.ofSeconds(60));

    // Hazelcast drops the dead member's bus registrations a little after the member itself; until
    // then a wake may still be sent to it and time out. Once they are gone, a wake fails at once.
    SQLException error = null;
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    long took = Long.MAX_VALUE;
    while (System.nanoTime() < deadline) {
      long begin = System.nanoTime();
      error = assertThrows(SQLException.class, () -> valuesIn("second"));
      took = System.nanoTime() - begin;
      if (error.getMessage().contains("no compute agent")) {
        break;
      }
    }
    assertTrue(error.getMessage().contains("second") && error.getMessage().contains("no compute agent"),
        error.getMessage());
    assertTrue(took < Duration.ofSeconds(15).toNanos(), "fails fast, not at a timeout");
    // A running compute does not need its agent to serve: Postgres outlives the agent's JVM.
    assertEquals("on-main,after-sk3-died", valuesIn("main"));
    assertTrue(controlPlane.isAlive() && gateway.isAlive());

    compute = start("compute", COMPUTE_HOST);
    compute.awaitHealthy(COMPUTE_HOST, computeHttpPort, START);
    gateway.awaitClusterMembers(GATEWAY_HOST, gatewayHttpPort, 6, START);
    controlPlane.awaitClusterMembers(CONTROL_PLANE_HOST, controlPlanePort, 6, START);
    // The new agent stops the compute the killed one left behind and reports it suspended.
    awaitState("main", "suspended", Duration.ofSeconds(30));

    assertEquals("on-main,on-second", valuesIn("second"), "the endpoint wakes again with its data");
    assertEquals("on-main,after-sk3-died", valuesIn("main"), "restarted from two safekeepers' WAL");
    assertEquals("running", api.get("/v1/endpoints/main").getString("state"));
  }
}
