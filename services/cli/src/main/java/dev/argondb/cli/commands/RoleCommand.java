package dev.argondb.cli.commands;

import dev.argondb.cli.Table;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code argon role create|list|reset-password|delete}. Only verifiers are stored; a generated password is
 * printed once, here, and exists nowhere else. Changes reach running computes at once.
 */
@Command(name = "role", description = "Manage a tenant's Postgres roles (SCRAM-SHA-256; passwords are never stored).",
    subcommands = {RoleCommand.Create.class, RoleCommand.List.class, RoleCommand.ResetPassword.class,
        RoleCommand.Delete.class})
public final class RoleCommand {

  @Command(name = "create", description = "Create a role; prints a generated password unless --password is given.")
  static final class Create implements Callable<Integer> {
    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = "--password", description = "the password; a random one is generated and printed when omitted")
    String password;

    @Mixin
    TenantOption tenantOption;

    @Override
    public Integer call() {
      Context context = new Context();
      JsonObject body = new JsonObject().put("name", name);
      if (password != null) {
        body.put("password", password);
      } else {
        body.put("generate_password", true);
      }
      JsonObject role = context.api.post("/v1/tenants/" + tenantOption.resolve(context) + "/roles", body);
      System.out.println("role " + name + " created"
          + (role.getString("password") != null ? "; password (shown once): " + role.getString("password") : ""));
      return 0;
    }
  }

  @Command(name = "list", description = "List roles.")
  static final class List implements Callable<Integer> {
    @Mixin
    TenantOption tenantOption;

    @Override
    public Integer call() {
      Context context = new Context();
      Table table = new Table("ROLE", "CREATED");
      for (Object item : context.api.get("/v1/tenants/" + tenantOption.resolve(context) + "/roles").getJsonArray("roles")) {
        JsonObject role = (JsonObject) item;
        table.row(role.getString("name"), role.getString("created_at"));
      }
      System.out.print(table.render());
      return 0;
    }
  }

  @Command(name = "reset-password", description = "Give a role a new generated password (printed once).")
  static final class ResetPassword implements Callable<Integer> {
    @Parameters(paramLabel = "NAME")
    String name;

    @Mixin
    TenantOption tenantOption;

    @Override
    public Integer call() {
      Context context = new Context();
      JsonObject role = context.api.post("/v1/tenants/" + tenantOption.resolve(context) + "/roles/" + name
          + "/reset_password", new JsonObject());
      System.out.println("role " + name + ": new password (shown once): " + role.getString("password"));
      return 0;
    }
  }

  @Command(name = "delete", description = "Delete a role (running computes take its login away at once).")
  static final class Delete implements Callable<Integer> {
    @Parameters(paramLabel = "NAME")
    String name;

    @Mixin
    TenantOption tenantOption;

    @Override
    public Integer call() {
      Context context = new Context();
      context.api.delete("/v1/tenants/" + tenantOption.resolve(context) + "/roles/" + name);
      System.out.println("role " + name + " deleted");
      return 0;
    }
  }
}
