package dev.argondb.cli.commands;

import dev.argondb.cli.CliException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code argon timeline branch|list|delete}: a tenant's timelines (branches), as neon_local's. */
@Command(name = "timeline", description = "Manage timelines (branches) of a tenant.",
    subcommands = {TimelineCommand.Branch.class, TimelineCommand.List.class, TimelineCommand.Delete.class})
public final class TimelineCommand {

  @Command(name = "branch",
      description = "Create a branch of another branch at its latest LSN, an LSN or a time, or from a snapshot.")
  static final class Branch implements Callable<Integer> {
    @Option(names = "--branch-name", required = true, description = "name of the new branch")
    String branchName;

    @Option(names = "--ancestor-branch-name", description = "branch to branch from (default: main)")
    String ancestorBranchName;

    /** At most one of the two: picocli refuses both with a usage error. */
    @ArgGroup(exclusive = true, multiplicity = "0..1")
    StartPoint startPoint;

    @Mixin
    TenantOption tenantOption;

    static final class StartPoint {
      @Option(names = "--ancestor-start-lsn", paramLabel = "LSN", required = true,
          description = "branch at this LSN of the ancestor, e.g. 0/16F9A00 (default: its latest)")
      String lsn;

      @Option(names = "--ancestor-start-time", paramLabel = "TIME", required = true,
          description = "branch at the last commit at or before this time, e.g. '2026-11-24 10:00:00+00'")
      String time;

      @Option(names = "--snapshot", paramLabel = "NAME", required = true,
          description = "branch at a snapshot's branch and LSN (see `argon snapshot`)")
      String snapshot;
    }

    @Override
    public Integer call() {
      Context context = new Context();
      String tenant = tenantOption.resolve(context);
      JsonObject body = new JsonObject().put("name", branchName);
      if (startPoint != null && startPoint.snapshot != null) {
        if (ancestorBranchName != null) {
          throw new CliException("--snapshot names its own branch: leave out --ancestor-branch-name");
        }
        body.put("snapshot", startPoint.snapshot);
        JsonObject created = context.api.post("/v1/tenants/" + tenant + "/timelines", body);
        System.out.println("Created timeline '" + created.getString("id") + "' at Lsn "
            + created.getString("ancestor_lsn") + " for tenant: " + tenant + " from snapshot '" + startPoint.snapshot
            + "'");
        return 0;
      }
      body.put("ancestor_branch_name", ancestorBranchName == null ? "main" : ancestorBranchName);
      if (startPoint != null && startPoint.lsn != null) {
        body.put("ancestor_start_lsn", startPoint.lsn);
      }
      if (startPoint != null && startPoint.time != null) {
        body.put("ancestor_start_time", startPoint.time);
      }
      JsonObject created = context.api.post("/v1/tenants/" + tenant + "/timelines", body);
      System.out.println("Created timeline '" + created.getString("id") + "' at Lsn " + created.getString("ancestor_lsn")
          + " for tenant: " + tenant + ". Ancestor timeline: '" + body.getString("ancestor_branch_name") + "'");
      return 0;
    }
  }

  @Command(name = "list", description = "Print the tenant's timelines as a tree of branches.")
  static final class List implements Callable<Integer> {
    @Mixin
    TenantOption tenantOption;

    @Override
    public Integer call() {
      Context context = new Context();
      JsonArray timelines = context.timelines(tenantOption.resolve(context));
      System.out.print(TimelineTree.render(timelines));
      return 0;
    }
  }

  @Command(name = "delete", description = "Delete a branch without child branches (and its suspended endpoints).")
  static final class Delete implements Callable<Integer> {
    @Option(names = "--branch-name", required = true, description = "branch to delete")
    String branchName;

    @Mixin
    TenantOption tenantOption;

    @Override
    public Integer call() {
      Context context = new Context();
      String tenant = tenantOption.resolve(context);
      String timelineId = null;
      for (Object item : context.timelines(tenant)) {
        JsonObject timeline = (JsonObject) item;
        if (branchName.equals(timeline.getString("name"))) {
          timelineId = timeline.getString("id");
        }
      }
      if (timelineId == null) {
        throw new CliException("branch \"" + branchName + "\" not found in tenant " + tenant);
      }
      context.api.delete("/v1/tenants/" + tenant + "/timelines/" + timelineId);
      System.out.println("Deleted timeline '" + timelineId + "' (" + branchName + ") of tenant: " + tenant);
      return 0;
    }
  }
}
