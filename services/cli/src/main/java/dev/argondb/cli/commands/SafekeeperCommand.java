package dev.argondb.cli.commands;

import dev.argondb.cli.ApiClient;
import dev.argondb.cli.Table;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code argon safekeeper list|stop|start}. */
@Command(name = "safekeeper", description = "Inspect the safekeepers, or stop and start one (to test durability).",
    subcommands = {SafekeeperCommand.List.class, SafekeeperCommand.Stop.class, SafekeeperCommand.Start.class})
public final class SafekeeperCommand {

  private static ApiClient admin() {
    return new ApiClient(new Context().settings.stackAdminUrl());
  }

  @Command(name = "list", description = "Each safekeeper with its term and flush LSN per timeline.")
  static final class List implements Callable<Integer> {
    @Override
    public Integer call() {
      Table table = new Table("SAFEKEEPER", "ADDRESS", "STATUS", "TIMELINE", "TERM", "FLUSH LSN", "COMMIT LSN",
          "FOLLOWING");
      for (Object item : admin().get("/v1/safekeepers").getJsonArray("safekeepers")) {
        JsonObject sk = (JsonObject) item;
        String status = sk.getBoolean("running") ? "running" : "stopped";
        if (sk.getJsonArray("timelines").isEmpty()) {
          table.row(sk.getString("id"), sk.getString("address"), status, null, null, null, null, null);
        }
        for (Object t : sk.getJsonArray("timelines")) {
          JsonObject timeline = (JsonObject) t;
          table.row(sk.getString("id"), sk.getString("address"), status, timeline.getString("timeline_id"),
              timeline.getValue("term"), timeline.getString("flush_lsn"), timeline.getString("commit_lsn"),
              timeline.getString("following"));
        }
      }
      System.out.print(table.render());
      return 0;
    }
  }

  @Command(name = "stop", description = "Stop a safekeeper at once, as if its process died.")
  static final class Stop implements Callable<Integer> {
    @Parameters(paramLabel = "ID", description = "sk1, sk2, ...")
    String id;

    @Override
    public Integer call() {
      admin().post("/v1/safekeepers/" + id + "/stop", new JsonObject());
      System.out.println("safekeeper " + id + " stopped");
      return 0;
    }
  }

  @Command(name = "start", description = "Start a stopped safekeeper; it catches up from its peers and the compute.")
  static final class Start implements Callable<Integer> {
    @Parameters(paramLabel = "ID", description = "sk1, sk2, ...")
    String id;

    @Override
    public Integer call() {
      admin().post("/v1/safekeepers/" + id + "/start", new JsonObject());
      System.out.println("safekeeper " + id + " started");
      return 0;
    }
  }
}
