package dev.argondb.cli.commands;

import dev.argondb.cli.Table;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code argon tenant create|list}. */
@Command(name = "tenant", description = "Manage tenants (projects).",
    subcommands = {TenantCommand.Create.class, TenantCommand.List.class})
public final class TenantCommand {

  @Command(name = "create", description = "Create a tenant with its main branch and cloud_admin role.")
  static final class Create implements Callable<Integer> {
    @Option(names = "--tenant-id", description = "32 hex characters; random when omitted")
    String tenantId;

    @Option(names = "--set-default", description = "make it the tenant later commands use")
    boolean setDefault;

    @Override
    public Integer call() {
      JsonObject tenant = new Context().createTenant(tenantId, setDefault);
      System.out.println("tenant " + tenant.getString("id") + " successfully created" + (setDefault ? " (default)" : ""));
      return 0;
    }
  }

  @Command(name = "list", description = "List tenants.")
  static final class List implements Callable<Integer> {
    @Override
    public Integer call() {
      Context context = new Context();
      Table table = new Table("TENANT", "DEFAULT", "CREATED");
      for (Object item : context.api.get("/v1/tenants").getJsonArray("tenants")) {
        JsonObject tenant = (JsonObject) item;
        String id = tenant.getString("id");
        table.row(id, id.equals(context.settings.defaultTenantId()) ? "yes" : "", tenant.getString("created_at"));
      }
      System.out.print(table.render());
      return 0;
    }
  }
}
