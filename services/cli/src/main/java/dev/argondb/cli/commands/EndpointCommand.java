package dev.argondb.cli.commands;

import dev.argondb.cli.Spinner;
import dev.argondb.cli.Table;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code argon endpoint create|reconfigure|start|stop|list}. */
@Command(name = "endpoint", description = "Manage endpoints (computes serving a branch).",
    subcommands = {EndpointCommand.Create.class, EndpointCommand.Reconfigure.class, EndpointCommand.Start.class,
        EndpointCommand.Stop.class, EndpointCommand.List.class})
public final class EndpointCommand {

  @Command(name = "create", description = "Create an endpoint for a branch (it starts on the first connection).")
  static final class Create implements Callable<Integer> {
    @Parameters(paramLabel = "NAME", description = "endpoint name, used to route connections")
    String name;

    @Option(names = "--branch-name", defaultValue = "main", description = "branch to serve (default: ${DEFAULT-VALUE})")
    String branchName;

    @Option(names = "--suspend-timeout", paramLabel = "SECONDS",
        description = "suspend after this many idle seconds; 0 = never (default: the control plane's, 300)")
    Integer suspendTimeout;

    @Option(names = "--lsn", paramLabel = "LSN",
        description = "a read-only endpoint pinned at this LSN of the branch, e.g. 0/16F9A00")
    String lsn;

    @Mixin
    TenantOption tenantOption;

    @Override
    public Integer call() {
      Context context = new Context();
      JsonObject body = new JsonObject().put("name", name).put("branch_name", branchName);
      if (suspendTimeout != null) {
        body.put("suspend_timeout_seconds", suspendTimeout);
      }
      if (lsn != null) {
        body.put("lsn", lsn);
      }
      JsonObject endpoint = context.api.post("/v1/tenants/" + tenantOption.resolve(context) + "/endpoints", body);
      System.out.println("endpoint " + name + " created for branch " + endpoint.getString("branch_name")
          + (endpoint.getBoolean("read_only", false) ? " (read-only at " + endpoint.getString("lsn") + ")" : "")
          + "; connect with: psql '" + context.settings.connectionUrl(name) + "'");
      return 0;
    }
  }

  @Command(name = "reconfigure", description = "Change an endpoint's settings.")
  static final class Reconfigure implements Callable<Integer> {
    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = "--suspend-timeout", paramLabel = "SECONDS", required = true,
        description = "suspend after this many idle seconds; 0 = never")
    int suspendTimeout;

    @Override
    public Integer call() {
      new Context().api.patch("/v1/endpoints/" + name, new JsonObject().put("suspend_timeout_seconds", suspendTimeout));
      System.out.println("endpoint " + name + ": suspend timeout " + suspendTimeout + " s");
      return 0;
    }
  }

  @Command(name = "start", description = "Start an endpoint's compute now.")
  static final class Start implements Callable<Integer> {
    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      Context context = new Context();
      try (Spinner spinner = new Spinner("Starting endpoint " + name)) {
        JsonObject endpoint = context.api.post("/v1/endpoints/" + name + "/start", new JsonObject());
        spinner.done(endpoint.getString("state") + " at " + endpoint.getString("host") + ":" + endpoint.getValue("port"));
      }
      System.out.println("psql '" + context.settings.connectionUrl(name) + "'");
      return 0;
    }
  }

  @Command(name = "stop", description = "Suspend an endpoint's compute now.")
  static final class Stop implements Callable<Integer> {
    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      try (Spinner spinner = new Spinner("Stopping endpoint " + name)) {
        JsonObject endpoint = new Context().api.post("/v1/endpoints/" + name + "/stop", new JsonObject());
        spinner.done(endpoint.getString("state"));
      }
      return 0;
    }
  }

  @Command(name = "list", description = "List endpoints.")
  static final class List implements Callable<Integer> {
    @Option(names = "--tenant-id", description = "only this tenant's endpoints")
    String tenantId;

    @Override
    public Integer call() {
      Context context = new Context();
      String path = tenantId != null ? "/v1/tenants/" + tenantId + "/endpoints" : "/v1/endpoints";
      Table table = new Table("ENDPOINT", "ADDRESS", "TIMELINE", "BRANCH NAME", "LSN", "STATUS");
      for (Object item : context.api.get(path).getJsonArray("endpoints")) {
        JsonObject e = (JsonObject) item;
        String address = e.getValue("port") == null ? null : e.getString("host") + ":" + e.getValue("port");
        table.row(e.getString("name"), address, e.getString("timeline_id"), e.getString("branch_name"),
            e.getString("lsn"), e.getString("state"));
      }
      System.out.print(table.render());
      return 0;
    }
  }
}
