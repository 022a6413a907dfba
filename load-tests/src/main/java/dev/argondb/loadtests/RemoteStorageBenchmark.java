package dev.argondb.loadtests;

import dev.argondb.cli.ApiClient;
import dev.argondb.cli.ArgonHome;
import dev.argondb.cli.LocalStackSettings;
import dev.argondb.cli.stack.ControlPlaneDatabase;
import dev.argondb.cli.stack.LocalStack;
import dev.argondb.pageserver.remote.RemoteStorageConfig;
import dev.argondb.pageserver.remote.TestS3Server;
import dev.argondb.pgruntime.FreePorts;
import dev.argondb.pgruntime.PgFiles;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Remote storage of a tenant made by {@code pgbench -i -s SCALE} (70 ≈ 1 GB) plus a short TPC-B run, once with
 * the directory store and once with an S3 API server (S3Proxy over a local directory, in this JVM):
 * <ul>
 *   <li>upload: bytes and objects uploaded, the mean rate of one upload, and how long after the load ended the
 *       remote copy was complete (every whole WAL segment and every image uploaded);
 *   <li>rebuild: the stack stopped, the pageserver's directory and the compute's directory deleted, the stack
 *       started again: time from starting it to the first query's answer (rebuild from remote storage, WAL past
 *       the remote consistent LSN from the safekeepers, a basebackup, crash recovery). The data is checked.
 * </ul>
 * Baseline: the same restart and first query with the pageserver's directory kept (only the compute's deleted).
 * Target: rebuild to first query ≤ 30 s. Usage: {@code load-tests/run remote [SCALE]} (default 70).
 */
public final class RemoteStorageBenchmark {
  private static final String ENDPOINT = "main";
  private static final long SEGMENT = 16L << 20;
  /** The pageserver's default image roll-forward step: less WAL than this past the newest image is steady state. */
  private static final long ROLL_FORWARD_BYTES = 64L << 20;

  private RemoteStorageBenchmark() {}

  public static void main(String[] args) throws Exception {
    int scale = args.length > 0 ? Integer.parseInt(args[0]) : 70;
    List<Row> rows = new ArrayList<>();
    Path dir = Files.createTempDirectory("argon-bench-remote-");
    try {
      rows.add(run("directory", dir.resolve("directory"), scale, null));
      try (TestS3Server s3 = new TestS3Server(dir.resolve("s3-server"))) {
        rows.add(run("S3 API (S3Proxy)", dir.resolve("s3"), scale, s3.config("argon", "bench")));
      }
    } finally {
      PgFiles.deleteRecursively(dir);
    }
    System.out.println();
    System.out.printf("Remote storage of a pgbench -s %d tenant (local stack; target: rebuild to first query <= 30 s)%n",
        scale);
    System.out.println("Baseline: restart to first query with the pageserver's directory kept");
    System.out.println();
    System.out.printf("%-18s %9s %8s %11s %11s %11s %11s %9s%n", "store", "uploaded", "objects", "MB/s/upload",
        "caught up s", "baseline s", "rebuild s", "/base");
    for (Row row : rows) {
      System.out.printf("%-18s %6.0f MB %8d %11.1f %11.1f %11.1f %11.1f %8.2fx%n", row.store, row.uploadedBytes / 1048576.0,
          row.objects, row.uploadedBytes / 1048576.0 / row.uploadSeconds, row.caughtUpSeconds, row.baselineSeconds,
          row.rebuildSeconds, row.rebuildSeconds / row.baselineSeconds);
    }
  }

  private record Row(String store, long uploadedBytes, long objects, double uploadSeconds, double caughtUpSeconds,
                     double baselineSeconds, double rebuildSeconds) {}

  private static Row run(String store, Path dir, int scale, RemoteStorageConfig s3) throws Exception {
    ArgonHome home = new ArgonHome(dir);
    LocalStackSettings settings = LocalStackSettings.defaults().withPorts(FreePorts.pick(), FreePorts.pick(),
            FreePorts.pick(), FreePorts.pick(), FreePorts.pick())
        .withSafekeepers(List.of(FreePorts.pick(), FreePorts.pick(), FreePorts.pick()), 2, FreePorts.pick())
        .withPageserverPort(FreePorts.pick())
        .withRemoteStorage(s3);
    ControlPlaneDatabase.initialize(home, settings);
    Path remoteRoot = s3 == null ? dir.resolve("remote") : null;
    String checksum;
    Metrics uploaded;
    double caughtUp;
    String tenant;
    try (LocalStack stack = start(home, settings)) {
      ApiClient api = new ApiClient(settings.controlPlaneUrl());
      tenant = api.post("/v1/tenants", new JsonObject()).getString("id");
      api.post("/v1/tenants/" + tenant + "/roles", new JsonObject().put("name", LocalStackSettings.ADMIN_ROLE)
          .put("password", settings.adminPassword()));
      api.post("/v1/tenants/" + tenant + "/endpoints", new JsonObject().put("name", ENDPOINT)
          .put("branch_name", "main").put("suspend_timeout_seconds", 0));
      System.err.printf("[%s] pgbench -i -s %d, then 10 s of TPC-B ...%n", store, scale);
      long load = System.nanoTime();
      Map<String, String> env = Map.of("PGOPTIONS", "endpoint=" + ENDPOINT);
      Pgbench.run("127.0.0.1", settings.gatewayPort(), LocalStackSettings.ADMIN_ROLE, settings.adminPassword(), env,
          List.of("-i", "-s", Integer.toString(scale), "-q"));
      Pgbench.run("127.0.0.1", settings.gatewayPort(), LocalStackSettings.ADMIN_ROLE, settings.adminPassword(), env,
          List.of("-c", "4", "-T", "10"));
      System.err.printf("[%s] load done in %.0f s%n", store, (System.nanoTime() - load) / 1e9);
      checksum = checksum(settings);
      long loaded = System.nanoTime();
      api.post("/v1/endpoints/" + ENDPOINT + "/stop", new JsonObject());
      caughtUp = (awaitRemoteComplete(store, settings) - loaded) / 1e9;
      uploaded = Metrics.of(settings.pageserverPort());
    }
    // Baseline: the pageserver keeps its directory; the compute starts from a basebackup.
    PgFiles.deleteRecursively(home.computesDir());
    double baseline = restartToFirstQuery(store + ", baseline", home, settings, checksum);
    // Rebuild: the pageserver starts with nothing and restores from remote storage.
    PgFiles.deleteRecursively(home.computesDir());
    PgFiles.deleteRecursively(home.pageserverDir());
    double rebuild = restartToFirstQuery(store + ", rebuild", home, settings, checksum);
    if (remoteRoot != null) {
      System.err.printf("[%s] remote directory: %d MB%n", store, bytesUnder(remoteRoot) / 1048576);
    }
    PgFiles.deleteRecursively(dir);
    return new Row(store, uploaded.bytes, uploaded.objects, uploaded.putSeconds, caughtUp, baseline, rebuild);
  }

  private static LocalStack start(ArgonHome home, LocalStackSettings settings) throws Exception {
    return LocalStack.start(home, settings, "argon-bench-" + ProcessHandle.current().pid()).toCompletionStage()
        .toCompletableFuture().get();
  }

  /** Starts the stack and answers the first query through the gateway (waking the endpoint); checks the data. */
  private static double restartToFirstQuery(String what, ArgonHome home, LocalStackSettings settings,
                                            String checksum) throws Exception {
    long begin = System.nanoTime();
    try (LocalStack stack = start(home, settings)) {
      String found = checksum(settings);
      double seconds = (System.nanoTime() - begin) / 1e9;
      if (!found.equals(checksum)) {
        throw new IllegalStateException(what + ": the data differs after the restart: " + found + " != " + checksum);
      }
      System.err.printf("[%s] first query after %.1f s, data checked%n", what, seconds);
      new ApiClient(settings.controlPlaneUrl()).post("/v1/endpoints/" + ENDPOINT + "/stop", new JsonObject());
      return seconds;
    }
  }

  private static String checksum(LocalStackSettings settings) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + settings.gatewayPort()
            + "/postgres?options=endpoint%3D" + ENDPOINT, LocalStackSettings.ADMIN_ROLE, settings.adminPassword());
         ResultSet rs = c.createStatement().executeQuery("SELECT (SELECT count(*) || '/' || sum(abalance) FROM "
             + "pgbench_accounts) || ' ' || (SELECT count(*) FROM pgbench_history) || ' ' || "
             + "(SELECT sum(bbalance) FROM pgbench_branches)")) {
      rs.next();
      return rs.getString(1);
    }
  }

  /**
   * Waits until the remote copy is as complete as it gets: the WAL ingested but not uploaded is less than a
   * segment (the last, partial one comes from the safekeepers on a rebuild), the images have caught up with the load
   * (less than one roll-forward step of WAL past the newest) and are all uploaded, and the uploads have stopped
   * changing for longer than the pageserver's image check period. Returns when (System.nanoTime) the last upload
   * was seen.
   */
  private static long awaitRemoteComplete(String store, LocalStackSettings settings) throws Exception {
    long stableSince = System.nanoTime();
    long lastObjects = -1;
    while (true) {
      Metrics m = Metrics.of(settings.pageserverPort());
      if (m.objects != lastObjects) {
        lastObjects = m.objects;
        stableSince = System.nanoTime();
        System.err.printf("[%s] uploaded %d MB in %d objects, %d MB of WAL not uploaded yet%n", store,
            m.bytes / 1048576, m.objects, m.lagBytes / 1048576);
      }
      if (m.lagBytes < SEGMENT && m.walPastImage <= ROLL_FORWARD_BYTES && m.imagesUploaded >= m.images
          && System.nanoTime() - stableSince > 15_000_000_000L) {
        return stableSince;
      }
      Thread.sleep(500);
    }
  }

  private static long bytesUnder(Path root) throws Exception {
    try (var walk = Files.walk(root)) {
      return walk.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  /** What the pageserver's {@code /metrics} says about uploads. */
  private record Metrics(long bytes, long objects, double putSeconds, long lagBytes, long walPastImage,
                         long images, long imagesUploaded) {
    static Metrics of(int port) throws Exception {
      String text = PageserverMetricsProbe.scrape(port);
      long bytes = 0;
      long objects = 0;
      double putSeconds = 0;
      long lag = 0;
      long images = 0;
      long imagesUploaded = 0;
      for (String line : text.split("\n")) {
        if (line.startsWith("#")) {
          continue;
        }
        double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        if (line.startsWith("argon_pageserver_remote_uploaded_bytes_total")) {
          bytes += (long) value;
        } else if (line.startsWith("argon_pageserver_remote_uploaded_objects_total")) {
          objects += (long) value;
          imagesUploaded += line.contains("kind=\"image\"") ? (long) value : 0;
        } else if (line.startsWith("argon_pageserver_images{")) {
          images += (long) value;
        } else if (line.startsWith("argon_pageserver_remote_operation_seconds_sum") && line.contains("op=\"put\"")) {
          putSeconds += value;
        } else if (line.startsWith("argon_pageserver_remote_consistent_lag_bytes")) {
          lag = Math.max(lag, (long) value);
        }
      }
      return new Metrics(bytes, objects, putSeconds, lag,
          (long) PageserverMetricsProbe.max(text, "argon_pageserver_wal_past_image_bytes"), images, imagesUploaded);
    }
  }
}
