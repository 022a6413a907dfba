package dev.argondb.cli.commands;

import dev.argondb.cli.Table;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code argon tenant create|list|config}. */
@Command(name = "tenant", description = "Manage tenants (projects).",
    subcommands = {TenantCommand.Create.class, TenantCommand.List.class, TenantCommand.Config.class})
public final class TenantCommand {

  @Command(name = "create", description = "Create a tenant with its main branch and cloud_admin role.")
  static final class Create implements Callable<Integer> {
    @Option(names = "--tenant-id", description = "32 hex characters; random when omitted")
    String tenantId;

    @Option(names = "--set-default", description = "make it the tenant later commands use")
    boolean setDefault;

    @Option(names = "--pitr-interval", paramLabel = "DURATION",
        description = "how far back branches at a time or LSN stay possible, e.g. 7d, 12h, 30m (default 7d)")
    String pitrInterval;

    @Override
    public Integer call() {
      JsonObject tenant = new Context().createTenant(tenantId, setDefault, pitrInterval);
      System.out.println("tenant " + tenant.getString("id") + " successfully created" + (setDefault ? " (default)" : ""));
      return 0;
    }
  }

  @Command(name = "list", description = "List tenants.")
  static final class List implements Callable<Integer> {
    @Override
    public Integer call() {
      Context context = new Context();
      Table table = new Table("TENANT", "DEFAULT", "PITR", "CREATED");
      for (Object item : context.api.get("/v1/tenants").getJsonArray("tenants")) {
        JsonObject tenant = (JsonObject) item;
        String id = tenant.getString("id");
        table.row(id, id.equals(context.settings.defaultTenantId()) ? "yes" : "", tenant.getString("pitr_interval"),
            tenant.getString("created_at"));
      }
      System.out.print(table.render());
      return 0;
    }
  }

  @Command(name = "config", description = "Show or change a tenant's settings (its PITR window).")
  static final class Config implements Callable<Integer> {
    @picocli.CommandLine.Parameters(arity = "0..1", paramLabel = "TENANT",
        description = "tenant id; the default tenant when omitted")
    String tenantId;

    @Option(names = "--pitr-interval", paramLabel = "DURATION",
        description = "new PITR window, e.g. 7d, 12h, 30m, 45s or PT1H; history older than it may be collected")
    String pitrInterval;

    @Override
    public Integer call() {
      Context context = new Context();
      String tenant = context.tenant(tenantId);
      JsonObject shown = pitrInterval == null ? context.api.get("/v1/tenants/" + tenant)
          : context.api.patch("/v1/tenants/" + tenant, new JsonObject().put("pitr_interval", pitrInterval));
      System.out.println("tenant " + tenant + ": pitr_interval " + shown.getString("pitr_interval"));
      return 0;
    }
  }
}
