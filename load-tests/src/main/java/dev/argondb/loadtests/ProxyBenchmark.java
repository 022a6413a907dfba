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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Proxy overhead: pgbench select-only ({@code -S -c 32 -j 2}) and connection setup ({@code -S -C}) straight
 * to a running compute, through the gateway and through PgBouncer (session mode), in one run on one machine.
 * All three use SCRAM-SHA-256 over plain TCP on loopback (as PgBouncer here; the gateway's TLS is not used).
 *
 * <p>Usage: {@code load-tests/run proxy [SECONDS] [GATEWAY_INSTANCES]} (defaults 30 and 2).
 */
public final class ProxyBenchmark {
  private static final String ENDPOINT = "bench";
  private static final int CLIENTS = 32;

  private record Target(String name, String host, int port, Map<String, String> env) {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    int instances = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    if (!PgBouncer.installed()) {
      throw new IllegalStateException("pgbouncer is not installed: apt-get install pgbouncer");
    }
    Path dir = Files.createTempDirectory("argon-bench-proxy-");
    ArgonHome home = new ArgonHome(dir);
    LocalStackSettings base = LocalStackSettings.defaults().withPorts(FreePorts.pick(), FreePorts.pick(),
        FreePorts.pick(), FreePorts.pick(), FreePorts.pick());
    LocalStackSettings settings = new LocalStackSettings(base.gatewayPort(), base.gatewayHttpPort(),
        base.controlPlaneHttpPort(), base.computeHttpPort(), base.controlDbPort(), base.controlDbPassword(),
        base.adminPassword(), null, base.pgBinDir(), java.util.List.of(), 2, FreePorts.pick(), false, instances,
        FreePorts.pick(), null, base.imageRollForwardBytes());
    // No safekeepers (and so no pageserver): this benchmark measures the proxy alone (select-only commits nothing).
    ControlPlaneDatabase.initialize(home, settings);
    try (LocalStack stack = LocalStack.start(home, settings, "argon-bench-" + ProcessHandle.current().pid()).await()) {
      ApiClient api = new ApiClient(settings.controlPlaneUrl());
      String tenant = api.post("/v1/tenants", new JsonObject()).getString("id");
      api.post("/v1/tenants/" + tenant + "/roles", new JsonObject().put("name", LocalStackSettings.ADMIN_ROLE)
          .put("password", settings.adminPassword()));
      api.post("/v1/tenants/" + tenant + "/endpoints", new JsonObject().put("name", ENDPOINT)
          .put("branch_name", "main").put("suspend_timeout_seconds", 0));
      JsonObject endpoint = api.post("/v1/endpoints/" + ENDPOINT + "/start", new JsonObject());
      String host = endpoint.getString("host");
      int port = endpoint.getInteger("port");
      String user = LocalStackSettings.ADMIN_ROLE;
      String password = settings.adminPassword();
      System.err.println("pgbench -i -s 1 on the compute ...");
      Pgbench.run(host, port, user, password, Map.of(), List.of("-i", "-s", "1", "-q"));
      String verifier = verifierOf(host, port, user, password);

      try (PgBouncer bouncer = PgBouncer.start(host, port, user, verifier, CLIENTS + 8)) {
        List<Target> targets = List.of(
            new Target("direct to the compute", host, port, Map.of()),
            new Target("gateway (" + instances + " event loops)", "127.0.0.1", settings.gatewayPort(),
                Map.of("PGOPTIONS", "endpoint=" + ENDPOINT)),
            new Target("pgbouncer (session mode)", "127.0.0.1", bouncer.port(), Map.of()));
        Map<String, double[]> results = new LinkedHashMap<>();
        for (Target target : targets) {
          double[] tps = new double[2];
          // Warm-up: the first connections through the gateway JIT-compile its paths.
          Pgbench.run(target.host(), target.port(), user, password, target.env(),
              List.of("-n", "-S", "-c", "8", "-j", "2", "-T", "3"));
          System.err.println(target.name() + ": select-only ...");
          tps[0] = Pgbench.tps(Pgbench.run(target.host(), target.port(), user, password, target.env(),
              List.of("-n", "-S", "-c", Integer.toString(CLIENTS), "-j", "2", "-T", Integer.toString(seconds))));
          System.err.println(target.name() + ": select-only with a new connection per transaction (-C) ...");
          tps[1] = Pgbench.tps(Pgbench.run(target.host(), target.port(), user, password, target.env(),
              List.of("-n", "-S", "-C", "-c", Integer.toString(CLIENTS), "-j", "2", "-T", Integer.toString(seconds))));
          results.put(target.name(), tps);
        }
        print(results, seconds, instances);
      }
    }
  }

  private static String verifierOf(String host, int port, String user, String password) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/postgres", user,
        password);
         ResultSet rs = c.createStatement().executeQuery(
             "SELECT rolpassword FROM pg_authid WHERE rolname = '" + user + "'")) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static void print(Map<String, double[]> results, int seconds, int instances) {
    List<String> names = new ArrayList<>(results.keySet());
    double[] direct = results.get(names.get(0));
    double[] bouncer = results.get(names.get(2));
    System.out.println();
    System.out.printf("pgbench select-only, -c %d -j 2 -T %d, SCRAM-SHA-256, loopback; %d CPU cores shared by all%n",
        CLIENTS, seconds, Runtime.getRuntime().availableProcessors());
    System.out.println();
    System.out.printf("%-32s %12s %10s %12s %14s %10s %12s%n", "target", "-S TPS", "/direct", "/pgbouncer",
        "-S -C TPS", "/direct", "/pgbouncer");
    for (String name : names) {
      double[] tps = results.get(name);
      System.out.printf("%-32s %12.0f %9.2fx %11.2fx %14.0f %9.2fx %11.2fx%n", name, tps[0], tps[0] / direct[0],
          tps[0] / bouncer[0], tps[1], tps[1] / direct[1], tps[1] / bouncer[1]);
    }
  }
}
