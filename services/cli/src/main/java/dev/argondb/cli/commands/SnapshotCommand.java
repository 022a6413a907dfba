package dev.argondb.cli.commands;

import dev.argondb.cli.Table;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code argon snapshot create|list|delete}: named (branch, LSN) points of a tenant that GC keeps; a branch can
 * start from one ({@code argon timeline branch --snapshot NAME}).
 */
@Command(name = "snapshot", description = "Manage a tenant's snapshots: named points kept from garbage collection.",
    subcommands = {SnapshotCommand.Create.class, SnapshotCommand.List.class, SnapshotCommand.Delete.class})
public final class SnapshotCommand {

  @Command(name = "create", description = "Take a snapshot of a branch at its latest LSN, an LSN or a time.")
  static final class Create implements Callable<Integer> {
    @Option(names = "--name", required = true, description = "snapshot name, unique in the tenant")
    String name;

    @Option(names = "--branch-name", description = "branch to snapshot (default: main)")
    String branchName;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Point point;

    @Mixin
    TenantOption tenantOption;

    static final class Point {
      @Option(names = "--lsn", paramLabel = "LSN", required = true, description = "at this LSN, e.g. 0/16F9A00")
      String lsn;

      @Option(names = "--time", paramLabel = "TIME", required = true,
          description = "at the last commit at or before this time, e.g. '2026-11-24 10:00:00+00'")
      String time;
    }

    @Override
    public Integer call() {
      Context context = new Context();
      String tenant = tenantOption.resolve(context);
      JsonObject body = new JsonObject().put("name", name).put("branch_name", branchName == null ? "main" : branchName);
      if (point != null && point.lsn != null) {
        body.put("lsn", point.lsn);
      }
      if (point != null && point.time != null) {
        body.put("time", point.time);
      }
      JsonObject created = context.api.post("/v1/tenants/" + tenant + "/snapshots", body);
      System.out.println("Snapshot '" + created.getString("name") + "' of branch " + body.getString("branch_name")
          + " at Lsn " + created.getString("lsn") + " for tenant: " + tenant);
      return 0;
    }
  }

  @Command(name = "list", description = "List the tenant's snapshots.")
  static final class List implements Callable<Integer> {
    @Mixin
    TenantOption tenantOption;

    @Override
    public Integer call() {
      Context context = new Context();
      String tenant = tenantOption.resolve(context);
      java.util.Map<String, String> names = new java.util.HashMap<>();
      for (Object item : context.timelines(tenant)) {
        names.put(((JsonObject) item).getString("id"), ((JsonObject) item).getString("name"));
      }
      Table table = new Table("SNAPSHOT", "BRANCH", "LSN", "CREATED");
      for (Object item : context.api.get("/v1/tenants/" + tenant + "/snapshots").getJsonArray("snapshots")) {
        JsonObject s = (JsonObject) item;
        table.row(s.getString("name"), names.getOrDefault(s.getString("timeline_id"), s.getString("timeline_id")),
            s.getString("lsn"), s.getString("created_at"));
      }
      System.out.print(table.render());
      return 0;
    }
  }

  @Command(name = "delete", description = "Delete a snapshot; GC may then collect what only it kept.")
  static final class Delete implements Callable<Integer> {
    @Option(names = "--name", required = true, description = "snapshot to delete")
    String name;

    @Mixin
    TenantOption tenantOption;

    @Override
    public Integer call() {
      Context context = new Context();
      String tenant = tenantOption.resolve(context);
      context.api.delete("/v1/tenants/" + tenant + "/snapshots/" + name);
      System.out.println("Deleted snapshot '" + name + "' of tenant: " + tenant);
      return 0;
    }
  }
}
