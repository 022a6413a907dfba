package dev.argondb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.argondb.cli.stack.ControlPlaneDatabase;
import dev.argondb.cli.stack.LocalStack;
import dev.argondb.cli.testing.PrometheusServer;
import dev.argondb.pgruntime.FreePorts;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Every query of every Grafana dashboard in {@code observability/grafana/dashboards} returns data from a real
 * Prometheus scraping a running local stack under a little load: a dashboard naming a metric that no service
 * exports fails the build. Also checks the shipped Prometheus configs with promtool.
 */
class DashboardQueriesTest {
  private static final Path OBSERVABILITY = Path.of("../../observability").toAbsolutePath().normalize();
  private static final Path DASHBOARDS = OBSERVABILITY.resolve("grafana/dashboards");
  /** Grafana fills these in; Prometheus alone needs real values. */
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{?(\\w+)}?");
  private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\(\\s*([^,)]+)\\s*,\\s*\\w+\\s*\\)");

  private record DashboardQuery(String dashboard, String panel, String expr) {}

  @Test
  void everyPanelQueryOfEveryDashboardReturnsData() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(PrometheusServer.BINARY),
        "SKIPPED: " + PrometheusServer.BINARY + " is absent (apt-get install -y prometheus; .ci/run installs it)");
    List<DashboardQuery> queries = dashboardQueries();
    assertTrue(queries.size() > 20, "found the dashboards' queries: " + queries.size());

    Path dir = Files.createTempDirectory("argon-dashboards-");
    ArgonHome home = new ArgonHome(dir);
    LocalStackSettings settings = TestStackSettings.onFreePorts();
    ControlPlaneDatabase.initialize(home, settings);
    try (LocalStack stack = LocalStack.start(home, settings, "argon-dashboards-" + System.nanoTime()).await();
         // One JVM, one registry: its control plane's /metrics has every service's meters (as local.yml scrapes).
         PrometheusServer prometheus = PrometheusServer.start(dir, List.of("127.0.0.1:" + settings.controlPlaneHttpPort()))) {
      runLoad(settings, prometheus);
      Map<DashboardQuery, String> missing = awaitData(prometheus, queries, 45_000);
      assertTrue(missing.isEmpty(), "queries without data:\n" + String.join("\n", missing.entrySet().stream()
          .map(e -> e.getKey().dashboard() + " / " + e.getKey().panel() + ": " + e.getKey().expr() + " -> "
              + e.getValue()).toList()));
    } finally {
      dev.argondb.cli.testing.TestDirs.deleteUnlessKept(dir);
    }
  }

  @Test
  void theShippedPrometheusConfigsAreValid() throws Exception {
    Path promtool = Path.of("/usr/bin/promtool");
    Assumptions.assumeTrue(Files.isExecutable(promtool), "SKIPPED: " + promtool + " is absent (package prometheus)");
    try (var configs = Files.list(OBSERVABILITY.resolve("prometheus"))) {
      for (Path config : configs.toList()) {
        Process check = new ProcessBuilder(promtool.toString(), "check", "config", config.toString())
            .redirectErrorStream(true).start();
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(check.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, check.exitValue(), config + ": " + output);
      }
    }
  }

  /** A few tenants' worth of activity: writes, a rollback, reads, a branch and its first start, a suspend and a wake. */
  private static void runLoad(LocalStackSettings settings, PrometheusServer prometheus) throws Exception {
    ApiClient api = new ApiClient(settings.controlPlaneUrl());
    String tenant = api.post("/v1/tenants", new JsonObject()).getString("id");
    api.post("/v1/tenants/" + tenant + "/roles", new JsonObject().put("name", LocalStackSettings.ADMIN_ROLE)
        .put("password", settings.adminPassword()));
    api.post("/v1/tenants/" + tenant + "/endpoints", new JsonObject().put("name", "load").put("branch_name", "main")
        .put("suspend_timeout_seconds", 0));
    String url = "jdbc:postgresql://127.0.0.1:" + settings.gatewayPort() + "/postgres?options=endpoint%3Dload";
    try (Connection c = DriverManager.getConnection(url, LocalStackSettings.ADMIN_ROLE, settings.adminPassword());
         Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t(key int primary key, value text)");
    }
    // rate() sees an increase only between two scrapes: wake once Prometheus has the counters' earlier values.
    awaitScraped(prometheus);
    api.post("/v1/endpoints/load/stop", new JsonObject()); // the next connection is a wake from suspended
    // A branch and its first compute: a basebackup from the pageserver within the scraped window.
    api.post("/v1/tenants/" + tenant + "/timelines", new JsonObject().put("name", "load_branch"));
    api.post("/v1/tenants/" + tenant + "/endpoints", new JsonObject().put("name", "load_branch")
        .put("branch_name", "load_branch").put("suspend_timeout_seconds", 0));
    try (Connection c = DriverManager.getConnection(url.replace("endpoint%3Dload", "endpoint%3Dload_branch"),
        LocalStackSettings.ADMIN_ROLE, settings.adminPassword()); Statement s = c.createStatement()) {
      s.executeQuery("SELECT count(*) FROM t").close();
    }
    long until = System.currentTimeMillis() + 6_000;
    int key = 0;
    try (Connection c = DriverManager.getConnection(url, LocalStackSettings.ADMIN_ROLE, settings.adminPassword());
         Statement s = c.createStatement()) {
      while (System.currentTimeMillis() < until) {
        s.execute("INSERT INTO t VALUES (" + key++ + ", repeat('x', 200))");
        s.execute("UPDATE t SET value = 'y' WHERE key = " + (key - 1));
        s.executeQuery("SELECT count(*) FROM t").close();
        c.setAutoCommit(false);
        s.execute("DELETE FROM t WHERE key = 0");
        c.rollback();
        c.setAutoCommit(true);
        Thread.sleep(20);
      }
      // Held open while Prometheus gathers, so the connection gauges are non-zero.
      awaitQuietly();
    } catch (SQLException e) {
      throw new AssertionError("load failed", e);
    }
  }

  private static void awaitScraped(PrometheusServer prometheus) throws Exception {
    long deadline = System.currentTimeMillis() + 20_000;
    while (prometheus.query("argon_compute_starts_total").isEmpty() && System.currentTimeMillis() < deadline) {
      Thread.sleep(200);
    }
    Thread.sleep(1_500); // and one scrape more, so the next wake is an increase within the window
  }

  private static void awaitQuietly() throws InterruptedException {
    Thread.sleep(6_000); // one statistics interval of the compute agent (5 s), so the collector sees the load
  }

  /** Polls until every query has a finite value; returns those that never did, with what they returned. */
  private static Map<DashboardQuery, String> awaitData(PrometheusServer prometheus, List<DashboardQuery> queries,
                                                       long timeoutMillis) throws Exception {
    Map<DashboardQuery, String> missing = new LinkedHashMap<>();
    queries.forEach(query -> missing.put(query, "not queried"));
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (!missing.isEmpty() && System.currentTimeMillis() < deadline) {
      for (DashboardQuery query : new ArrayList<>(missing.keySet())) {
        JsonArray result = prometheus.query(query.expr());
        if (hasFiniteValue(result)) {
          missing.remove(query);
        } else {
          missing.put(query, result.encode());
        }
      }
      if (!missing.isEmpty()) {
        Thread.sleep(1_000);
      }
    }
    return missing;
  }

  private static boolean hasFiniteValue(JsonArray result) {
    for (Object item : result) {
      JsonArray value = ((JsonObject) item).getJsonArray("value");
      double number = Double.parseDouble(value.getString(1));
      if (Double.isFinite(number)) {
        return true;
      }
    }
    return false;
  }

  /** Every panel target and every template-variable query (as the metric it lists labels of), with variables filled in. */
  static List<DashboardQuery> dashboardQueries() throws Exception {
    List<DashboardQuery> queries = new ArrayList<>();
    Set<String> uids = new HashSet<>();
    try (var files = Files.list(DASHBOARDS)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        JsonObject dashboard = new JsonObject(Files.readString(file, StandardCharsets.UTF_8));
        String title = dashboard.getString("title");
        assertTrue(uids.add(dashboard.getString("uid")), "unique uid: " + file);
        JsonArray panels = dashboard.getJsonArray("panels");
        assertFalse(panels.isEmpty(), file + " has panels");
        for (Object item : panels) {
          JsonObject panel = (JsonObject) item;
          assertEquals("prometheus", panel.getJsonObject("datasource").getString("uid"), title + " / " + panel.getString("title"));
          JsonArray targets = panel.getJsonArray("targets");
          assertFalse(targets == null || targets.isEmpty(), title + " / " + panel.getString("title") + " has a query");
          for (Object target : targets) {
            queries.add(new DashboardQuery(title, panel.getString("title"),
                fillVariables(((JsonObject) target).getString("expr"))));
          }
        }
        for (Object item : dashboard.getJsonObject("templating").getJsonArray("list")) {
          JsonObject variable = (JsonObject) item;
          Matcher labelValues = LABEL_VALUES.matcher(variable.getJsonObject("query").getString("query"));
          assertTrue(labelValues.matches(), "variable " + variable.getString("name") + " uses label_values(metric, label)");
          queries.add(new DashboardQuery(title, "variable $" + variable.getString("name"), labelValues.group(1)));
        }
      }
    }
    return queries;
  }

  private static String fillVariables(String expr) {
    Matcher matcher = VARIABLE.matcher(expr);
    StringBuilder filled = new StringBuilder();
    while (matcher.find()) {
      String name = matcher.group(1);
      matcher.appendReplacement(filled, name.startsWith("__") ? "1m" : ".*");
    }
    matcher.appendTail(filled);
    return filled.toString();
  }
}
