package dev.argondb.cli.commands;

import dev.argondb.cli.ApiClient;
import dev.argondb.cli.ArgonHome;
import dev.argondb.cli.LocalStackSettings;
import dev.argondb.cli.Spinner;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * One command from nothing to a connection URL: init if needed, start, the default tenant with its
 * {@code main} branch, and endpoint {@code main}, started.
 */
@Command(name = "up", description = "Initialize if needed, start the stack, create the default tenant and endpoint 'main', print the URL.")
public final class UpCommand implements Callable<Integer> {

  @Override
  public Integer call() throws Exception {
    ArgonHome home = ArgonHome.fromEnvironment();
    if (!home.isInitialized()) {
      InitCommand.initialize(home, LocalStackSettings.defaults());
    }
    StartCommand.start(home, home.readSettings());
    Context context = new Context();
    if (context.settings.defaultTenantId() == null || !exists(context.api, "/v1/tenants/" + context.settings.defaultTenantId())) {
      JsonObject tenant = context.createTenant(null, true);
      System.err.println("Created tenant " + tenant.getString("id") + " with branch main");
      context = new Context();
    }
    String endpoint = LocalStackSettings.DEFAULT_ENDPOINT;
    if (!exists(context.api, "/v1/endpoints/" + endpoint)) {
      context.api.post("/v1/tenants/" + context.settings.defaultTenantId() + "/endpoints",
          new JsonObject().put("name", endpoint).put("branch_name", "main"));
    }
    try (Spinner spinner = new Spinner("Starting endpoint " + endpoint)) {
      JsonObject started = context.api.post("/v1/endpoints/" + endpoint + "/start", new JsonObject());
      spinner.done(started.getString("state"));
    }
    LocalStackSettings s = context.settings;
    System.out.println();
    System.out.println("ArgonDB is up. Connect with:");
    System.out.println("  psql '" + s.connectionUrl(endpoint) + "'");
    if (home.hasTlsCertificate()) {
      System.out.println("or over TLS, routed by the server name (SNI):");
      System.out.println("  psql '" + s.tlsConnectionString(endpoint, home.tlsCertFile()) + "'");
    }
    System.out.println();
    System.out.println("REST API   " + s.controlPlaneUrl() + "/v1/endpoints");
    // One registry per JVM: each service's /metrics shows every service of the stack, so one target suffices.
    System.out.println("Metrics    " + s.controlPlaneUrl() + "/metrics (every service of the stack; also on "
        + "http://127.0.0.1:" + s.gatewayHttpPort() + " and http://127.0.0.1:" + s.computeHttpPort() + ")");
    System.out.println("Prometheus prometheus --config.file=observability/prometheus/local.yml"
        + " --storage.tsdb.path=.argon/prometheus   (dashboards: observability/grafana/dashboards)");
    System.out.println("Logs       " + home.logFile());
    System.out.println("Stop with  ./argon stop");
    return 0;
  }

  private static boolean exists(ApiClient api, String path) {
    try {
      api.get(path);
      return true;
    } catch (ApiClient.ApiError e) {
      if (e.status() == 404) {
        return false;
      }
      throw e;
    }
  }
}
