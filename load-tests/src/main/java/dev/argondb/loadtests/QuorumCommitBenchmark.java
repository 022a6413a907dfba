package dev.argondb.loadtests;

import dev.argondb.bus.Bus;
import dev.argondb.bus.BusAddresses;
import dev.argondb.bus.FollowCompute;
import dev.argondb.bus.PrepareTerm;
import dev.argondb.bus.StopFollowing;
import dev.argondb.bus.TermStart;
import dev.argondb.bus.TimelineState;
import dev.argondb.bus.WalSource;
import dev.argondb.pgruntime.FreePorts;
import dev.argondb.pgruntime.PgBinaries;
import dev.argondb.pgruntime.PgFiles;
import dev.argondb.pgruntime.PgProcess;
import dev.argondb.pgruntime.PgServer;
import dev.argondb.pgformat.Lsn;
import dev.argondb.safekeeper.SafekeeperConfig;
import dev.argondb.safekeeper.SafekeeperService;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Quorum commit: pgbench TPC-B ({@code -c 8 -j 2 -T SECONDS}) against one Postgres 15 server (Debian's
 * postgresql-15: pg_receivewal only streams from its own major version) with
 * (a) ArgonDB's three safekeepers, {@code ANY 2}; (b) three {@code pg_receivewal --synchronous},
 * {@code ANY 2}, Postgres's own tool with the same durability (a replication slot each, as the
 * safekeepers); (c) no synchronous standby.
 * Same install, data and settings for all three; prints TPS and the ratios a/b and a/c.
 *
 * <p>Usage: {@code load-tests/run quorum-commit [SECONDS] [ROUNDS]} (default 30 s, 1 round). With
 * several rounds, (b) and (a) alternate, SECONDS/ROUNDS each time, and each row sums its rounds: on a
 * machine shared with other work, load that comes and goes then hits both about equally instead of
 * whichever happened to run at the time. Between rounds the other configuration's receivers are stopped
 * (pg_receivewal ended, the safekeepers told to stop following), so neither pays for the other.
 */
public final class QuorumCommitBenchmark {
  private static final Path PG15 = Path.of("/usr/lib/postgresql/15/bin");
  private static final String USER = "bench";
  private static final String PASSWORD = "bench-password";
  private static final String TENANT = "0123456789abcdef0123456789abcdef";
  private static final String TIMELINE = "fedcba9876543210fedcba9876543210";
  private static final int WARMUP_SECONDS = 5;

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 1;
    if (rounds < 1 || seconds / rounds < 1) {
      throw new IllegalArgumentException("need 1 <= ROUNDS <= SECONDS, got " + rounds);
    }
    if (!Files.isExecutable(PG15.resolve("pg_receivewal"))) {
      throw new IllegalStateException("needs Debian's postgresql-15: apt-get install postgresql-15");
    }
    Path root = Files.createTempDirectory("argon-bench-quorum-");
    PgBinaries binaries = PgBinaries.installedAt(PG15);
    PgServer.initdb(binaries, root.resolve("data"), USER, PASSWORD, root.resolve("initdb.log"));
    int port = FreePorts.pick();
    PgProcess server = PgServer.start(binaries, root.resolve("data"), port, Map.of(
        "wal_level", "replica", "max_wal_senders", "10", "max_replication_slots", "10",
        "synchronous_commit", "on", "shared_buffers", "256MB", "max_wal_size", "2GB",
        "checkpoint_timeout", "15min", "wal_sender_timeout", "10s"), root.resolve("postgres.log"),
        Duration.ofSeconds(60));
    postmasterPid = server.pid();
    String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    // As the product's Vert.x (ClusterVertx): the native transport (epoll), not NIO.
    Vertx vertx = Vertx.builder().with(new VertxOptions().setPreferNativeTransport(true)).build();
    if (!vertx.isNativeTransportEnabled()) {
      vertx.close();
      throw new IllegalStateException("Vert.x native transport unavailable: " + vertx.unavailableNativeTransportCause());
    }
    try {
      sql(url, "CREATE ROLE repl REPLICATION LOGIN PASSWORD '" + PASSWORD + "'");
      System.err.println("pgbench -i -s 10 ...");
      run(List.of("pgbench", "-i", "-q", "-s", "10", "-h", "127.0.0.1", "-p", "" + port, "-U", USER, "postgres"));

      Run none = pgbench(port, seconds, "no synchronous standby", true, () -> 0L);
      List<Run> receivewalRounds = new ArrayList<>();
      List<Run> safekeeperRounds = new ArrayList<>();
      for (int round = 0; round < rounds; round++) {
        boolean first = round == 0;
        receivewalRounds.add(withReceivewal(url, port, root, seconds / rounds, first));
        safekeeperRounds.add(withSafekeepers(vertx, url, port, root, seconds / rounds, first));
      }
      for (int i = 1; i <= 3; i++) {
        sql(url, "SELECT pg_drop_replication_slot('rw" + i + "')");
      }
      Run receivewal = Run.sum(receivewalRounds);
      Run safekeepers = Run.sum(safekeeperRounds);

      System.out.println();
      System.out.printf("pgbench TPC-B -c 8 -j 2 -T %d%s, Postgres 15 (Debian), fsync on, 2 cores shared by all%n",
          seconds, rounds == 1 ? "" : " (" + rounds + " alternating rounds of (b) and (a))");
      System.out.printf("load average %s%n", Files.readString(Path.of("/proc/loadavg")).trim());
      System.out.println("Baseline (b): three pg_receivewal --synchronous, synchronous_standby_names = ANY 2");
      System.out.println();
      System.out.printf("%-52s %10s %8s %8s %10s %8s %12s%n", "configuration", "TPS", "/b", "/c", "WAL B/tx", "FPI/tx",
          "recv CPU/tx");
      print("(a) ArgonDB safekeepers sk1..sk3, ANY 2", safekeepers, receivewal, none);
      print("(b) pg_receivewal --synchronous x3, ANY 2", receivewal, receivewal, none);
      print("(c) no synchronous standby", none, receivewal, none);
      System.out.println();
      System.out.println("CPU per transaction of every process (/proc/PID/stat); other Postgres: backends, autovacuum,");
      System.out.println("WAL writer, checkpointer. The machine has 2 cores: where they are busy, TPS follows the sum.");
      System.out.printf("%-52s %10s %10s %14s %10s %10s%n", "configuration", "receivers", "walsenders",
          "other Postgres", "pgbench", "sum");
      printCpu("(a) ArgonDB safekeepers sk1..sk3, ANY 2", safekeepers);
      printCpu("(b) pg_receivewal --synchronous x3, ANY 2", receivewal);
      printCpu("(c) no synchronous standby", none);
    } finally {
      vertx.close().await();
      server.stop(PgProcess.Shutdown.FAST, Duration.ofSeconds(60));
      PgFiles.deleteRecursively(root); // about 1 GB of data and WAL (four copies of it) per run
    }
  }

  /**
   * Measured pgbench time: transactions, seconds, the WAL it made (bytes, full-page images), and the CPU used
   * meanwhile by the receivers (this JVM for the safekeepers, the three processes for pg_receivewal), the
   * walsenders, the rest of Postgres (backends, WAL writer, checkpointer...) and pgbench.
   */
  private record Run(double transactions, double seconds, double walBytes, double fpi, double receiverCpuNanos,
                     double walsenderCpuNanos, double otherPostgresCpuNanos, double pgbenchCpuNanos) {
    double tps() {
      return transactions / seconds;
    }

    double walBytesPerTx() {
      return walBytes / transactions;
    }

    double fpiPerTx() {
      return fpi / transactions;
    }

    /** Microseconds of CPU per transaction. */
    double perTx(double nanos) {
      return nanos / transactions / 1e3;
    }

    static Run sum(List<Run> runs) {
      return new Run(sum(runs, Run::transactions), sum(runs, Run::seconds), sum(runs, Run::walBytes),
          sum(runs, Run::fpi), sum(runs, Run::receiverCpuNanos), sum(runs, Run::walsenderCpuNanos),
          sum(runs, Run::otherPostgresCpuNanos), sum(runs, Run::pgbenchCpuNanos));
    }

    private static double sum(List<Run> runs, java.util.function.ToDoubleFunction<Run> field) {
      return runs.stream().mapToDouble(field).sum();
    }
  }

  private static void print(String label, Run run, Run b, Run c) {
    System.out.printf("%-52s %10.0f %7.2fx %7.2fx %10.0f %8.3f %9.0f us%n", label, run.tps(), run.tps() / b.tps(),
        run.tps() / c.tps(), run.walBytesPerTx(), run.fpiPerTx(), run.perTx(run.receiverCpuNanos()));
  }

  private static void printCpu(String label, Run run) {
    double receivers = run.perTx(run.receiverCpuNanos());
    double walsenders = run.perTx(run.walsenderCpuNanos());
    double other = run.perTx(run.otherPostgresCpuNanos());
    double pgbench = run.perTx(run.pgbenchCpuNanos());
    System.out.printf("%-52s %7.0f us %7.0f us %11.0f us %7.0f us %7.0f us%n", label, receivers, walsenders, other,
        pgbench, receivers + walsenders + other + pgbench);
  }

  private static Run withReceivewal(String url, int port, Path root, int seconds, boolean warmUp) throws Exception {
    List<Process> receivers = new ArrayList<>();
    try {
      for (int i = 1; i <= 3; i++) {
        Path dir = Files.createDirectories(root.resolve("receivewal" + i));
        // A slot each, as the safekeepers have: the same promise (the server keeps WAL until it is received)
        // and the same walsender work per status update. A later round goes on from its slot.
        if (warmUp) {
          sql(url, "SELECT pg_create_physical_replication_slot('rw" + i + "', true)");
        }
        ProcessBuilder builder = new ProcessBuilder(PG15.resolve("pg_receivewal").toString(), "-h", "127.0.0.1",
            "-p", "" + port, "-U", "repl", "-D", dir.toString(), "--slot=rw" + i, "--synchronous", "-n",
            "--no-password")
            .redirectErrorStream(true).redirectOutput(root.resolve("receivewal" + i + ".log").toFile());
        builder.environment().put("PGPASSWORD", PASSWORD);
        builder.environment().put("PGAPPNAME", "rw" + i);
        receivers.add(builder.start());
      }
      setStandbys(url, "ANY 2 (rw1, rw2, rw3)", 3);
      return pgbench(port, seconds, "pg_receivewal x3, ANY 2", warmUp, () -> receivers.stream()
          .mapToLong(receiver -> receiver.info().totalCpuDuration().map(Duration::toNanos).orElse(0L)).sum());
    } finally {
      setStandbys(url, "", 0);
      for (Process receiver : receivers) {
        receiver.destroy();
        receiver.waitFor();
      }
    }
  }

  private static final List<String> SAFEKEEPERS = List.of("sk1", "sk2", "sk3");
  /** The safekeepers' term history, set when they are deployed (the first round). */
  private static List<TermStart> history;
  /** The Postgres server's postmaster: its processes' CPU is accounted per run. */
  private static long postmasterPid;

  private static Run withSafekeepers(Vertx vertx, String url, int port, Path root, int seconds, boolean first)
      throws Exception {
    long start;
    try (Connection c = DriverManager.getConnection(url, USER, PASSWORD);
         ResultSet rs = c.createStatement().executeQuery("SELECT pg_current_wal_insert_lsn()::text")) {
      rs.next();
      start = Lsn.parse(rs.getString(1));
    }
    if (first) {
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      history = List.of(new TermStart(1, start));
      for (String id : SAFEKEEPERS) {
        sql(url, "SELECT pg_create_physical_replication_slot('" + WalSource.slotName(id) + "', true)");
        SafekeeperService.deploy(vertx, new SafekeeperConfig(id, root.resolve(id), "127.0.0.1", 0, 2), registry).await();
        Bus.request(vertx.eventBus(), BusAddresses.safekeeperPrepareTerm(id),
            new PrepareTerm(TENANT, TIMELINE, 1, history, start, start, null), TimelineState.class, 30_000).await();
      }
    }
    // A later round: the safekeepers go on from their slots, catching up with the WAL of the rounds between.
    for (String id : SAFEKEEPERS) {
      Bus.request(vertx.eventBus(), BusAddresses.safekeeperFollow(id), new FollowCompute(TENANT, TIMELINE, 1, history,
          start, null, "127.0.0.1", port, "repl", PASSWORD), TimelineState.class, 30_000).await();
    }
    setStandbys(url, "ANY 2 (sk1, sk2, sk3)", 3);
    try {
      // This JVM's CPU: the safekeepers, plus the benchmark's own few queries and JIT/GC.
      return pgbench(port, seconds, "ArgonDB safekeepers, ANY 2", first, () -> ((com.sun.management.OperatingSystemMXBean)
          java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime());
    } finally {
      setStandbys(url, "", 0);
      for (String id : SAFEKEEPERS) {
        Bus.request(vertx.eventBus(), BusAddresses.safekeeperStopFollowing(id), new StopFollowing(TENANT, TIMELINE, 1),
            TimelineState.class, 30_000).await();
      }
    }
  }

  /** Sets synchronous_standby_names and waits until that many standbys stream. */
  private static void setStandbys(String url, String names, int expected) throws Exception {
    sql(url, "ALTER SYSTEM SET synchronous_standby_names = '" + names + "'");
    sql(url, "SELECT pg_reload_conf()");
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      try (Connection c = DriverManager.getConnection(url, USER, PASSWORD);
           ResultSet rs = c.createStatement().executeQuery(
               "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")) {
        rs.next();
        if (rs.getInt(1) >= expected) {
          return;
        }
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("only some standbys stream for " + names);
  }

  /**
   * Warm-up (JIT, caches) then the measured run: every configuration gets the same. No configuration may
   * start with a CHECKPOINT of its own: the first change of each page after a checkpoint writes a full-page
   * image into the WAL, so the run after it streams several times more WAL per transaction (the WAL and
   * FPI columns show that the three runs did the same work).
   */
  private static Run pgbench(int port, int seconds, String label, boolean warmUp, LongSupplier receiverCpuNanos)
      throws Exception {
    if (warmUp) {
      System.err.println("pgbench warm-up " + WARMUP_SECONDS + " s: " + label + " ...");
      run(List.of("pgbench", "-c", "8", "-j", "2", "-T", "" + WARMUP_SECONDS, "-h", "127.0.0.1",
          "-p", "" + port, "-U", USER, "postgres"));
    }
    System.err.println("pgbench " + seconds + " s: " + label + " ...");
    long[] walBefore = walStats(port);
    ProcessCpu.PostgresSnapshot postgresBefore = ProcessCpu.postgres(postmasterPid);
    long pgbenchBefore = ProcessCpu.reapedChildrenNanos();
    long cpuBefore = receiverCpuNanos.getAsLong();
    String output = run(List.of("pgbench", "-c", "8", "-j", "2", "-T", "" + seconds, "-h", "127.0.0.1",
        "-p", "" + port, "-U", USER, "postgres"));
    long cpuUsed = receiverCpuNanos.getAsLong() - cpuBefore;
    long pgbenchCpu = ProcessCpu.reapedChildrenNanos() - pgbenchBefore; // pgbench has exited and was waited for
    ProcessCpu.PostgresSnapshot postgresAfter = ProcessCpu.postgres(postmasterPid);
    long walsenderCpu = postgresAfter.walsenderNanosSince(postgresBefore);
    long otherPostgresCpu = postgresAfter.allNanos() - postgresBefore.allNanos() - walsenderCpu;
    long[] walAfter = walStats(port);
    Matcher tps = Pattern.compile("tps = ([0-9.]+)").matcher(output);
    if (!tps.find()) {
      throw new IllegalStateException("pgbench printed no TPS: " + output);
    }
    Matcher count = Pattern.compile("number of transactions actually processed: ([0-9]+)").matcher(output);
    double transactions = count.find() ? Double.parseDouble(count.group(1)) : Double.NaN;
    double tpsValue = Double.parseDouble(tps.group(1));
    // pgbench's own TPS (without connection time), kept exact when rounds are summed.
    return new Run(transactions, transactions / tpsValue, walAfter[0] - walBefore[0], walAfter[1] - walBefore[1],
        cpuUsed, walsenderCpu, otherPostgresCpu, pgbenchCpu);
  }

  private static long[] walStats(int port) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", USER, PASSWORD);
         ResultSet rs = c.createStatement().executeQuery("SELECT wal_bytes::bigint, wal_fpi FROM pg_stat_wal")) {
      rs.next();
      return new long[] {rs.getLong(1), rs.getLong(2)};
    }
  }

  private static String run(List<String> command) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("PGPASSWORD", PASSWORD);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes());
    if (process.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
    }
    return output;
  }

  private static void sql(String url, String statement) throws Exception {
    try (Connection c = DriverManager.getConnection(url, USER, PASSWORD)) {
      c.createStatement().execute(statement);
    }
  }
}
