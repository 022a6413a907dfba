package dev.argondb.loadtests;

import dev.argondb.cli.ApiClient;
import dev.argondb.cli.ArgonHome;
import dev.argondb.cli.LocalStackSettings;
import dev.argondb.cli.stack.ControlPlaneDatabase;
import dev.argondb.cli.stack.LocalStack;
import dev.argondb.pgruntime.FreePorts;
import dev.argondb.pgruntime.PgFiles;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;

/**
 * Branch creation and compute start latency on the local stack, for a small database and for one made
 * by {@code pgbench -i -s SCALE} (70 ≈ 1 GB):
 * <ul>
 *   <li>branch creation (REST {@code POST /v1/tenants/:id/timelines}, metadata only), p50/p99 over N;
 *   <li>cold start: the endpoint suspended and its local directory deleted, connect to first row
 *       (a basebackup from the pageserver plus crash recovery);
 *   <li>warm resume: suspended with its directory kept, connect to first row.
 * </ul>
 * Baseline: a connection to the running compute through the gateway (what a wake adds to). The first
 * {@value #WARM_UP_BRANCHES} branches after the stack started are a row of their own, not part of the N: they run
 * while the JVM still compiles the request path (a branch takes 2-3 times longer then), which a long-running
 * service pays once.
 * Usage: {@code load-tests/run branches [BRANCHES] [SCALE] [STARTS]} (defaults 1000, 70, 10).
 */
public final class BranchBenchmark {
  /** Branches made (and shown apart) before the small database's measured ones: the JIT's warm-up. */
  static final int WARM_UP_BRANCHES = 200;

  private BranchBenchmark() {}

  public static void main(String[] args) throws Exception {
    int branches = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int scale = args.length > 1 ? Integer.parseInt(args[1]) : 70;
    int starts = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    Path dir = Files.createTempDirectory("argon-bench-branches-");
    ArgonHome home = new ArgonHome(dir);
    LocalStackSettings settings = LocalStackSettings.defaults().withPorts(FreePorts.pick(), FreePorts.pick(),
            FreePorts.pick(), FreePorts.pick(), FreePorts.pick())
        .withSafekeepers(List.of(FreePorts.pick(), FreePorts.pick(), FreePorts.pick()), 2, FreePorts.pick())
        .withPageserverPort(FreePorts.pick());
    ControlPlaneDatabase.initialize(home, settings);
    try (LocalStack stack = LocalStack.start(home, settings, "argon-bench-" + ProcessHandle.current().pid()).await()) {
      Bench bench = new Bench(home, settings, new ApiClient(settings.controlPlaneUrl()));
      System.err.println("Small database (10 MB table)...");
      bench.createEndpoint("small");
      bench.sql("small", "CREATE TABLE filler AS SELECT g AS id, repeat('x', 200) AS pad FROM generate_series(1, 40000) g");
      Row small = bench.measure("small", WARM_UP_BRANCHES, branches, starts);

      System.err.printf("pgbench -i -s %d (this takes a while)...%n", scale);
      bench.createEndpoint("big");
      long init = System.nanoTime();
      Pgbench.run("127.0.0.1", settings.gatewayPort(), LocalStackSettings.ADMIN_ROLE, settings.adminPassword(),
          Map.of("PGOPTIONS", "endpoint=big"), List.of("-i", "-s", Integer.toString(scale), "-q"));
      System.err.printf("pgbench -i done in %.0f s%n", (System.nanoTime() - init) / 1e9);
      // Cold starts are measured in the steady state: right after a bulk load the pageserver's image is still
      // being rolled forward and a start replays the whole load's WAL (seconds more: a backlog, not a start).
      long caughtUp = System.nanoTime();
      PageserverMetricsProbe.awaitImagesCaughtUp(settings.pageserverPort(), 64L << 20);
      System.err.printf("pageserver images caught up with the load %.0f s after it%n",
          (System.nanoTime() - caughtUp) / 1e9);
      Row big = bench.measure("big", 0, branches, starts);

      System.out.println();
      System.out.printf("Branches and compute starts (local stack, %d branches, %d starts each)%n", branches, starts);
      System.out.println("Baseline: a connection through the gateway to the running compute (p50)");
      System.out.println();
      System.out.printf("%-44s %9s %9s %9s %12s%n", "scenario", "p50 ms", "p99 ms", "max ms", "p50/base");
      small.print("10 MB");
      big.print("pgbench -s " + scale);
    }
    PgFiles.deleteRecursively(dir);
  }

  private record Row(LatencyStats running, LatencyStats warmUp, LatencyStats branch, LatencyStats cold,
                     LatencyStats warm) {
    void print(String database) {
      line(database + ": running (baseline)", running);
      if (warmUp.count() > 0) {
        line(database + ": first " + warmUp.count() + " branches (warm-up)", warmUp);
        line(database + ": first " + branch.count() + " (warm-up included)",
            LatencyStats.firstOf(branch.count(), warmUp, branch));
      }
      line(database + ": branch creation", branch);
      line(database + ": cold start (no local dir)", cold);
      line(database + ": warm resume (kept dir)", warm);
    }

    private void line(String scenario, LatencyStats stats) {
      System.out.printf("%-44s %9.1f %9.1f %9.1f %11.2fx%n", scenario, stats.percentile(50), stats.percentile(99),
          stats.max(), stats.percentile(50) / running.percentile(50));
    }
  }

  private record Bench(ArgonHome home, LocalStackSettings settings, ApiClient api) {
    String tenant() {
      return api.get("/v1/tenants").getJsonArray("tenants").getJsonObject(0).getString("id");
    }

    void createEndpoint(String name) {
      if (api.get("/v1/tenants").getJsonArray("tenants").isEmpty()) {
        String tenant = api.post("/v1/tenants", new JsonObject()).getString("id");
        api.post("/v1/tenants/" + tenant + "/roles", new JsonObject().put("name", LocalStackSettings.ADMIN_ROLE)
            .put("password", settings.adminPassword()));
      }
      String branch = name.equals("small") ? "main" : name;
      if (!branch.equals("main")) {
        api.post("/v1/tenants/" + tenant() + "/timelines", new JsonObject().put("name", branch));
      }
      api.post("/v1/tenants/" + tenant() + "/endpoints", new JsonObject().put("name", name)
          .put("branch_name", branch).put("suspend_timeout_seconds", 0));
    }

    Row measure(String endpoint, int warmUpBranches, int branches, int starts) throws Exception {
      String branchOf = api.get("/v1/endpoints/" + endpoint).getString("branch_name");
      LatencyStats running = new LatencyStats();
      for (int i = 0; i < starts; i++) {
        running.add(firstRow(endpoint));
      }
      LatencyStats warmUp = createBranches(endpoint + "_warmup", branchOf, warmUpBranches);
      LatencyStats branch = createBranches(endpoint, branchOf, branches);
      LatencyStats cold = new LatencyStats();
      LatencyStats warm = new LatencyStats();
      String id = api.get("/v1/endpoints/" + endpoint).getString("id");
      for (int i = 0; i < starts; i++) {
        api.post("/v1/endpoints/" + endpoint + "/stop", new JsonObject());
        PgFiles.deleteRecursively(home.computesDir().resolve("endpoints").resolve(id));
        cold.add(firstRow(endpoint));
        api.post("/v1/endpoints/" + endpoint + "/stop", new JsonObject());
        warm.add(firstRow(endpoint));
        System.err.printf("%s: start %d/%d%n", endpoint, i + 1, starts);
      }
      return new Row(running, warmUp, branch, cold, warm);
    }

    /** Times {@code count} REST branch creations only (the tenant's id is looked up before). */
    private LatencyStats createBranches(String prefix, String ancestorName, int count) {
      String path = "/v1/tenants/" + tenant() + "/timelines";
      LatencyStats latencies = new LatencyStats();
      for (int i = 0; i < count; i++) {
        JsonObject body = new JsonObject().put("name", prefix + "_b" + i).put("ancestor_branch_name", ancestorName);
        long begin = System.nanoTime();
        api.post(path, body);
        latencies.add(System.nanoTime() - begin);
        if ((i + 1) % 100 == 0) {
          System.err.printf("%s: %d/%d branches%n", prefix, i + 1, count);
        }
      }
      return latencies;
    }

    void sql(String endpoint, String statement) throws Exception {
      try (Connection c = connect(endpoint)) {
        c.createStatement().execute(statement);
      }
    }

    private Connection connect(String endpoint) throws Exception {
      return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + settings.gatewayPort()
          + "/postgres?options=endpoint%3D" + endpoint, LocalStackSettings.ADMIN_ROLE, settings.adminPassword());
    }

    private long firstRow(String endpoint) throws Exception {
      long start = System.nanoTime();
      try (Connection c = connect(endpoint); ResultSet rs = c.createStatement().executeQuery("SELECT 1")) {
        rs.next();
        return System.nanoTime() - start;
      }
    }
  }
}
