package dev.argondb.controlplane.api;

import static dev.argondb.controlplane.testing.ControlPlaneTestBed.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.argondb.bus.Bus;
import dev.argondb.bus.BusAddresses;
import dev.argondb.bus.FollowCompute;
import dev.argondb.bus.PageserverFollowTimeline;
import dev.argondb.bus.PageserverTimelineInfo;
import dev.argondb.bus.PrepareTerm;
import dev.argondb.bus.SafekeeperRef;
import dev.argondb.bus.SystemRoles;
import dev.argondb.bus.TermStart;
import dev.argondb.bus.TimelineState;
import dev.argondb.bus.WalSource;
import dev.argondb.compute.basebackup.BasebackupClient;
import dev.argondb.pgruntime.FreePorts;
import dev.argondb.pgruntime.PgBinaries;
import dev.argondb.pgruntime.PgFiles;
import dev.argondb.pgruntime.PgProcess;
import dev.argondb.pgruntime.PgServer;
import dev.argondb.controlplane.testing.ControlPlaneTestBed;
import dev.argondb.controlplane.testing.TestStorage;
import dev.argondb.pgformat.Lsn;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Branching at a point in time needs commits in a timeline's WAL: a real Postgres started from the
 * pageserver's basebackup of the tenant's {@code main} streams WAL to a real safekeeper, the pageserver
 * ingests it, and the control plane turns a time into the LSN of the last commit by then.
 */
@ExtendWith(VertxExtension.class)
class BranchAtTimeTest {
  private static final String SAFEKEEPER = TestStorage.SAFEKEEPER;
  private static final String REPLICATION_USER = "argon_replication";
  private static final String REPLICATION_PASSWORD = "replication-password";
  private static final long TIMEOUT_MILLIS = 30_000;

  private Vertx vertx;
  private Path root;
  private TestStorage storage;
  private ControlPlaneTestBed cp;
  private PgProcess compute;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    this.vertx = vertx;
    root = Files.createTempDirectory("argon-cp-branch-time-");
    storage = TestStorage.start(vertx);
    cp = ControlPlaneTestBed.start(vertx, storage::configure);
  }

  @AfterEach
  void stop() throws Exception {
    if (compute != null) {
      compute.stop(PgProcess.Shutdown.IMMEDIATE, Duration.ofSeconds(10));
    }
    cp.close();
    storage.close();
    PgFiles.deleteRecursively(root);
  }

  @Test
  void aBranchAtATimeStartsAtTheLastCommitByThen() throws Exception {
    String tenant = cp.createTenant();
    JsonObject main = expect(200, cp.get("/v1/tenants/" + tenant + "/timelines")).getJsonArray("timelines")
        .getJsonObject(0);
    String mainId = main.getString("id");
    long start = storage.info(tenant, mainId).startLsn();
    compute = startCompute(tenant, mainId);
    streamToSafekeeper(tenant, mainId, start, storage.safekeeper.ref());

    execute("CREATE TABLE t(key int primary key)");
    long beforeA = Lsn.parse(query("SELECT pg_current_wal_insert_lsn()::text"));
    execute("INSERT INTO t SELECT generate_series(1, 100)");
    long afterA = Lsn.parse(query("SELECT pg_current_wal_insert_lsn()::text"));
    Thread.sleep(20);
    Instant between = Instant.parse(query(
        "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"));
    Thread.sleep(20);
    execute("INSERT INTO t SELECT generate_series(101, 200)");
    long afterB = Lsn.parse(query("SELECT pg_current_wal_insert_lsn()::text"));
    ControlPlaneTestBed.eventually(TIMEOUT_MILLIS, "the pageserver ingests up to " + Lsn.format(afterB),
        () -> Lsn.compare(storage.info(tenant, mainId).lastRecordLsn(), afterB) >= 0);

    // Postgres' own timestamptz text form, as the walkthrough passes it.
    String postgresForm = query("SELECT to_char(timestamptz '" + between + "' AT TIME ZONE 'UTC', "
        + "'YYYY-MM-DD HH24:MI:SS.US') || '+00'");
    JsonObject beforeDrop = expect(201, cp.post("/v1/tenants/" + tenant + "/timelines", new JsonObject()
        .put("name", "before_drop").put("ancestor_branch_name", "main").put("ancestor_start_time", postgresForm)));
    long at = Lsn.parse(beforeDrop.getString("ancestor_lsn"));
    assertTrue(Lsn.compare(at, beforeA) > 0 && Lsn.compare(at, afterA) <= 0,
        "the first insert's commit end " + Lsn.format(at) + " in (" + Lsn.format(beforeA) + ", " + Lsn.format(afterA) + "]");
    PageserverTimelineInfo onPageserver = storage.info(tenant, beforeDrop.getString("id"));
    assertEquals(mainId, onPageserver.ancestorTimelineId());
    assertEquals(at, onPageserver.ancestorLsn());

    // The same time on a branch created later (at main's end) lies before that branch: refused, nothing stored.
    expect(201, cp.post("/v1/tenants/" + tenant + "/timelines", new JsonObject().put("name", "later")));
    JsonObject tooEarly = expect(400, cp.post("/v1/tenants/" + tenant + "/timelines", new JsonObject()
        .put("name", "x").put("ancestor_branch_name", "later").put("ancestor_start_time", between.toString())));
    assertTrue(tooEarly.getString("error").contains("before branch \"later\" was created"), tooEarly.encode());
    JsonObject beforeAnyCommit = expect(400, cp.post("/v1/tenants/" + tenant + "/timelines", new JsonObject()
        .put("name", "x").put("ancestor_start_time", "2001-01-01T00:00:00Z")));
    assertTrue(beforeAnyCommit.getString("error").contains("no commit on branch \"main\""), beforeAnyCommit.encode());
    assertEquals(3L, cp.sql("SELECT count(*) FROM timelines"));

    // A snapshot at the same time lands on the same commit end.
    JsonObject snapshot = expect(201, cp.post("/v1/tenants/" + tenant + "/snapshots", new JsonObject()
        .put("name", "between").put("time", between.toString())));
    assertEquals(Lsn.format(at), snapshot.getString("lsn"));
    assertEquals(mainId, snapshot.getString("timeline_id"));

    // With a PITR window of a second, the same time is too old a moment later: refused, nothing stored.
    expect(200, cp.patch("/v1/tenants/" + tenant, new JsonObject().put("pitr_interval", "1s")));
    Thread.sleep(1_100);
    JsonObject outsideWindow = expect(400, cp.post("/v1/tenants/" + tenant + "/timelines", new JsonObject()
        .put("name", "too_old").put("ancestor_start_time", between.toString())));
    assertTrue(outsideWindow.getString("error").contains("is older than the tenant's PITR window (pitr_interval 1s"),
        outsideWindow.encode());
    assertEquals(3L, cp.sql("SELECT count(*) FROM timelines"));
  }

  /** Main's basebackup started as a compute; the agent superuser may connect over loopback without a password. */
  private PgProcess startCompute(String tenant, String timeline) throws Exception {
    Path dataDir = root.resolve("compute").resolve("pgdata");
    new BasebackupClient(vertx, GrpcClient.client(vertx)).fetch(
        SocketAddress.inetSocketAddress(storage.handle.port(), storage.handle.host()), tenant, timeline, 0,
        dataDir).await();
    Files.writeString(dataDir.resolve("pg_hba.conf"), "host all " + SystemRoles.AGENT_SUPERUSER + " 127.0.0.1/32 trust\n"
        + "host all all 127.0.0.1/32 scram-sha-256\nhost replication all 127.0.0.1/32 scram-sha-256\n");
    return PgServer.start(PgBinaries.fromEnvironment(), dataDir, FreePorts.pick(), Map.of("fsync", "off",
            "wal_level", "replica", "max_wal_senders", "5", "max_replication_slots", "5"),
        root.resolve("compute").resolve("postgres.log"), Duration.ofSeconds(30));
  }

  /** What the compute agent and the control plane's election do for a compute with safekeepers, with one. */
  private void streamToSafekeeper(String tenant, String timeline, long start, SafekeeperRef safekeeper)
      throws Exception {
    execute("CREATE ROLE " + REPLICATION_USER + " WITH LOGIN REPLICATION PASSWORD '" + REPLICATION_PASSWORD + "';"
        + "SELECT pg_create_physical_replication_slot('" + WalSource.slotName(SAFEKEEPER) + "', true)");
    List<TermStart> history = List.of(new TermStart(1, start));
    request(BusAddresses.safekeeperPrepareTerm(SAFEKEEPER),
        new PrepareTerm(tenant, timeline, 1, history, start, start, null), TimelineState.class);
    request(BusAddresses.safekeeperFollow(SAFEKEEPER), new FollowCompute(tenant, timeline, 1, history, start, null,
        "127.0.0.1", compute.port(), REPLICATION_USER, REPLICATION_PASSWORD), TimelineState.class);
    request(BusAddresses.PAGESERVER_FOLLOW_TIMELINE, new PageserverFollowTimeline(tenant, timeline, List.of(safekeeper)),
        PageserverTimelineInfo.class);
  }

  private <R> R request(String address, Object message, Class<R> replyType) {
    return Bus.request(vertx.eventBus(), address, message, replyType, TIMEOUT_MILLIS).await();
  }

  private Connection connect() throws Exception {
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + compute.port() + "/postgres",
        SystemRoles.AGENT_SUPERUSER, "");
  }

  private void execute(String sql) throws Exception {
    try (Connection c = connect()) {
      c.createStatement().execute(sql);
    }
  }

  private String query(String sql) throws Exception {
    try (Connection c = connect(); ResultSet rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
