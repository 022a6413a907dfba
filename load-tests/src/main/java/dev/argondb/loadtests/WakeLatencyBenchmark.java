package dev.argondb.loadtests;

import dev.argondb.cli.ApiClient;
import dev.argondb.cli.ArgonHome;
import dev.argondb.cli.LocalStackSettings;
import dev.argondb.cli.stack.ControlPlaneDatabase;
import dev.argondb.cli.stack.LocalStack;
import dev.argondb.pgruntime.FreePorts;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;

/**
 * Wake latency: time from connect to the first row of {@code SELECT 1}, through the gateway, for a
 * suspended endpoint (the compute starts) and a running one, against the baseline of connecting
 * straight to the running compute. Runs its own local stack in a temporary home.
 *
 * <p>Usage: {@code load-tests/run wake-latency [TRIES]} (default 20).
 */
public final class WakeLatencyBenchmark {

  public static void main(String[] args) throws Exception {
    int tries = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    Path dir = Files.createTempDirectory("argon-bench-wake-");
    ArgonHome home = new ArgonHome(dir);
    LocalStackSettings settings = LocalStackSettings.defaults().withPorts(FreePorts.pick(), FreePorts.pick(),
        FreePorts.pick(), FreePorts.pick(), FreePorts.pick())
        .withSafekeepers(java.util.List.of(FreePorts.pick(), FreePorts.pick(), FreePorts.pick()), 2, FreePorts.pick())
        .withPageserverPort(FreePorts.pick());
    ControlPlaneDatabase.initialize(home, settings);
    try (LocalStack stack = LocalStack.start(home, settings, "argon-bench-" + ProcessHandle.current().pid()).await()) {
      ApiClient api = new ApiClient(settings.controlPlaneUrl());
      String tenant = api.post("/v1/tenants", new JsonObject()).getString("id");
      api.post("/v1/tenants/" + tenant + "/roles", new JsonObject().put("name", LocalStackSettings.ADMIN_ROLE)
          .put("password", settings.adminPassword()));
      api.post("/v1/tenants/" + tenant + "/endpoints", new JsonObject().put("name", "bench")
          .put("branch_name", "main").put("suspend_timeout_seconds", 0));
      String gatewayUrl = "jdbc:postgresql://127.0.0.1:" + settings.gatewayPort() + "/postgres?options=endpoint%3Dbench";

      firstRow(gatewayUrl, settings); // the first start runs initdb: not a wake, excluded
      LatencyStats suspended = new LatencyStats();
      for (int i = 0; i < tries; i++) {
        api.post("/v1/endpoints/bench/stop", new JsonObject());
        suspended.add(firstRow(gatewayUrl, settings));
        System.err.printf("suspended wake %d/%d%n", i + 1, tries);
      }
      JsonObject endpoint = api.get("/v1/endpoints/bench");
      String directUrl = "jdbc:postgresql://" + endpoint.getString("host") + ":" + endpoint.getInteger("port") + "/postgres";
      LatencyStats running = new LatencyStats();
      LatencyStats direct = new LatencyStats();
      for (int i = 0; i < tries; i++) {
        running.add(firstRow(gatewayUrl, settings));
        direct.add(firstRow(directUrl, settings));
      }
      System.out.println();
      System.out.printf("Wake latency, connect to first row of SELECT 1 (JDBC, SCRAM), %d tries each%n", tries);
      System.out.println("Baseline: direct connection to the running compute (no gateway)");
      System.out.println();
      System.out.printf("%-42s %9s %9s %9s %9s %12s%n", "scenario", "p50 ms", "p99 ms", "min ms", "max ms", "p50/base");
      print("direct to running compute (baseline)", direct, direct);
      print("gateway, endpoint running", running, direct);
      print("gateway, endpoint suspended (wake)", suspended, direct);
    }
  }

  private static long firstRow(String url, LocalStackSettings settings) throws Exception {
    long start = System.nanoTime();
    try (Connection c = DriverManager.getConnection(url, LocalStackSettings.ADMIN_ROLE, settings.adminPassword());
         ResultSet rs = c.createStatement().executeQuery("SELECT 1")) {
      rs.next();
      return System.nanoTime() - start;
    }
  }

  private static void print(String scenario, LatencyStats stats, LatencyStats baseline) {
    System.out.printf("%-42s %9.1f %9.1f %9.1f %9.1f %11.2fx%n", scenario, stats.percentile(50), stats.percentile(99),
        stats.min(), stats.max(), stats.percentile(50) / baseline.percentile(50));
  }
}
