package dev.argondb.pageserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.argondb.bus.Bus;
import dev.argondb.bus.BusAddresses;
import dev.argondb.bus.BusErrors;
import dev.argondb.bus.PageserverCreateTimeline;
import dev.argondb.bus.PageserverDeleteTimeline;
import dev.argondb.bus.PageserverFollowTimeline;
import dev.argondb.bus.PageserverLsnAtTime;
import dev.argondb.bus.PageserverLsnForTime;
import dev.argondb.bus.PageserverTimelineInfo;
import dev.argondb.bus.SafekeeperRef;
import dev.argondb.pageserver.index.CheckpointEntry;
import dev.argondb.pageserver.index.CommitEntry;
import dev.argondb.pgformat.Lsn;
import dev.argondb.safekeeper.SafekeeperConfig;
import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The pageserver end to end with real Postgres and three real safekeepers in one Vert.x: a compute started
 * from the pageserver's basebackup streams to the safekeepers exactly as the compute agent sets it up, the
 * pageserver ingests their committed WAL, and basebackups at chosen LSNs start Postgres with exactly the
 * rows committed by then.
 */
class PageserverEndToEndTest {
  private static final String TENANT = StorageBench.TENANT;
  private static final String MAIN = StorageBench.MAIN;
  private static final String BRANCH = "22222222222222222222222222222222";
  private static final String AT_END = "44444444444444444444444444444444";
  private static final List<String> SAFEKEEPERS = StorageBench.SAFEKEEPERS;
  private static final long TIMEOUT = 30_000;
  /** How long a basebackup waits for ingest here: short, since one test waits for a refusal. */
  private static final long WAIT_MILLIS = 2_000;

  private StorageBench bench;

  @BeforeEach
  void setUp() throws Exception {
    bench = StorageBench.open("argon-pageserver-e2e-", TIMEOUT);
  }

  @AfterEach
  void tearDown() throws Exception {
    bench.close();
  }

  @Test
  void basebackupsBranchesAndTimestampsAtExactLsnsAcrossAPageserverRestart() throws Exception {
    List<SafekeeperRef> safekeepers = bench.deploySafekeepers(SafekeeperConfig.DEFAULT_WAL_RETENTION_MARGIN_BYTES);
    deployPageserver();

    // A root timeline is one initdb; a compute starts from its basebackup at the timeline's start.
    PageserverTimelineInfo main = bench.request(BusAddresses.PAGESERVER_CREATE_TIMELINE,
        PageserverCreateTimeline.root(TENANT, MAIN, TestCompute.USER, TestCompute.PASSWORD), PageserverTimelineInfo.class);
    long start = main.startLsn();
    assertEquals(start, main.lastRecordLsn());
    assertEquals(List.of(start), main.imageLsns());
    TestCompute primary = bench.startCompute(MAIN, 0);
    bench.streamToSafekeepers(primary, start, safekeepers);
    bench.request(BusAddresses.PAGESERVER_FOLLOW_TIMELINE, new PageserverFollowTimeline(TENANT, MAIN, safekeepers),
        PageserverTimelineInfo.class);

    primary.execute("CREATE TABLE t(key int primary key, value text)");
    long beforeA = Lsn.parse(primary.queryString("SELECT pg_current_wal_insert_lsn()::text"));
    primary.execute("INSERT INTO t SELECT g, 'a' || g FROM generate_series(1, 100) g");
    long afterA = Lsn.parse(primary.queryString("SELECT pg_current_wal_insert_lsn()::text"));
    String checksumA = primary.checksum();
    Thread.sleep(20);
    long between = Long.parseLong(primary.queryString(
        "SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint"));
    Thread.sleep(20);
    primary.execute("INSERT INTO t SELECT g, 'b' || g FROM generate_series(101, 200) g");
    long afterB = Lsn.parse(primary.queryString("SELECT pg_current_wal_insert_lsn()::text"));
    String checksumB = primary.checksum();
    bench.awaitIngested(MAIN, afterB);

    // (a) the latest LSN: every row.
    assertEquals(checksumB, bench.checksumOf(MAIN, 0));

    // (b) a branch between the two commits: only the first one's rows; creation is metadata only.
    PageserverTimelineInfo branch = bench.request(BusAddresses.PAGESERVER_CREATE_TIMELINE,
        PageserverCreateTimeline.branch(TENANT, BRANCH, MAIN, afterA), PageserverTimelineInfo.class);
    assertEquals(afterA, branch.startLsn());
    assertEquals(List.of(), branch.imageLsns());
    assertEquals(checksumA, bench.checksumOf(BRANCH, 0));

    // (c) the LSN of a time between the commits is the first commit's end, and the data there is the same.
    PageserverLsnAtTime atTime = bench.request(BusAddresses.PAGESERVER_LSN_FOR_TIME,
        new PageserverLsnForTime(TENANT, MAIN, between), PageserverLsnAtTime.class);
    assertTrue(Lsn.compare(atTime.lsn(), beforeA) > 0 && Lsn.compare(atTime.lsn(), afterA) <= 0,
        "commit end " + Lsn.format(atTime.lsn()) + " in (" + Lsn.format(beforeA) + ", " + Lsn.format(afterA) + "]");
    assertTrue(atTime.commitEpochMicros() <= between);
    assertEquals(checksumA, bench.checksumOf(MAIN, atTime.lsn()));

    // (d) bad LSNs are refused with a reason, and refused branches are not created.
    long ingested = bench.info(MAIN).lastRecordLsn();
    assertRefused(MAIN, afterA - 8, "not a WAL record boundary");
    // Far beyond: no WAL written meanwhile reaches it, so the wait (WAIT_MILLIS) ends in a refusal.
    assertRefused(MAIN, ingested + (64L << 20), "beyond the ingested end");
    assertRefused(BRANCH, beforeA, "below the start");
    String other = "33333333333333333333333333333333";
    assertBusRefused(PageserverCreateTimeline.branch(TENANT, other, MAIN, afterA - 8), "not a WAL record boundary");
    assertBusRefused(PageserverCreateTimeline.branch(TENANT, other, MAIN, ingested + 8 * 1024), "beyond");
    assertBusRefused(PageserverCreateTimeline.branch(TENANT, other, MAIN, start - 8), "below the start");
    assertBusRefused(PageserverCreateTimeline.branch(TENANT, "NOT-HEX", MAIN, afterA), "32 lowercase hex");
    ReplyException unknown = assertThrows(ReplyException.class, () -> bench.info(other));
    assertEquals(BusErrors.NOT_FOUND, unknown.failureCode());

    // (e) a restarted pageserver resumes ingest where it left off: no WAL lost, none indexed twice.
    bench.stopPageserver();
    primary.execute("INSERT INTO t SELECT g, 'c' || g FROM generate_series(201, 300) g");
    long afterC = Lsn.parse(primary.queryString("SELECT pg_current_wal_insert_lsn()::text"));
    String checksumC = primary.checksum();
    deployPageserver();
    bench.awaitIngested(MAIN, afterC);
    assertEquals(checksumC, bench.checksumOf(MAIN, 0));
    assertEquals(checksumA, bench.checksumOf(BRANCH, 0));
    var index = bench.pageserver().timelines().get(TENANT, MAIN).index();
    List<CommitEntry> commits = index.commits().all();
    for (int i = 1; i < commits.size(); i++) {
      assertTrue(Lsn.compare(commits.get(i - 1).endLsn(), commits.get(i).lsn()) <= 0, "commits in order, once each");
    }
    assertTrue(commits.stream().anyMatch(c -> c.endLsn() == atTime.lsn()));
    List<CheckpointEntry> checkpoints = index.checkpoints().all();
    assertFalse(checkpoints.isEmpty(), "the end-of-recovery checkpoint at the start is indexed");
    assertEquals(start, checkpoints.get(0).lsn());
    for (int i = 1; i < checkpoints.size(); i++) {
      assertTrue(Lsn.compare(checkpoints.get(i - 1).endLsn(), checkpoints.get(i).lsn()) <= 0);
    }

    // (f) a basebackup at an LSN the safekeepers have but the pageserver has not ingested yet waits for it.
    bench.request(BusAddresses.PAGESERVER_FOLLOW_TIMELINE, new PageserverFollowTimeline(TENANT, MAIN, List.of()),
        PageserverTimelineInfo.class);
    primary.execute("INSERT INTO t SELECT g, 'd' || g FROM generate_series(301, 400) g");
    long afterD = Lsn.parse(primary.queryString("SELECT pg_current_wal_insert_lsn()::text"));
    String checksumD = primary.checksum();
    assertTrue(Lsn.compare(bench.info(MAIN).lastRecordLsn(), afterD) < 0, "not ingested while following no safekeeper");
    Path waitingDir = bench.path("computes").resolve("waiting").resolve("pgdata");
    var waiting = bench.basebackups().fetch(bench.pageserverAddress(), TENANT,
        MAIN, afterD, waitingDir);
    long deadline = System.currentTimeMillis() + TIMEOUT;
    while (bench.registry().get("argon_pageserver_basebackups_waiting").gauge().value() < 1) {
      assertTrue(System.currentTimeMillis() < deadline, "the basebackup waits for ingest");
      Thread.sleep(10);
    }
    assertFalse(waiting.isComplete());
    // So does a branch at the end given the commit LSN to catch up with: it holds the commit made before it.
    Future<PageserverTimelineInfo> branchAtEnd = Bus.request(bench.vertx().eventBus(),
        BusAddresses.PAGESERVER_CREATE_TIMELINE, PageserverCreateTimeline.branchAtEnd(TENANT, AT_END, MAIN, afterD),
        PageserverTimelineInfo.class, TIMEOUT);
    Thread.sleep(200);
    assertFalse(branchAtEnd.isComplete(), "the branch waits for ingest to reach the commit LSN");
    bench.request(BusAddresses.PAGESERVER_FOLLOW_TIMELINE, new PageserverFollowTimeline(TENANT, MAIN, safekeepers),
        PageserverTimelineInfo.class);
    assertEquals(afterD, waiting.await());
    assertTrue(Lsn.compare(branchAtEnd.await().startLsn(), afterD) >= 0,
        "branch at " + Lsn.format(branchAtEnd.await().startLsn()) + ", commit at " + Lsn.format(afterD));
    assertEquals(checksumD, bench.checksumOf(AT_END, 0));
    assertEquals(0.0, bench.registry().get("argon_pageserver_basebackups_waiting").gauge().value());
    try (TestCompute fromWait = TestCompute.start(waitingDir, Map.of())) {
      assertEquals(checksumD, fromWait.checksum());
    }

    // (g) deleting the branches, then the followed main timeline, stops its ingest and removes them all.
    for (String branchId : List.of(BRANCH, AT_END)) {
      bench.request(BusAddresses.PAGESERVER_DELETE_TIMELINE, new PageserverDeleteTimeline(TENANT, branchId),
          PageserverTimelineInfo.class);
    }
    Path mainDir = bench.pageserver().timelines().directoryOf(TENANT, MAIN);
    bench.request(BusAddresses.PAGESERVER_DELETE_TIMELINE, new PageserverDeleteTimeline(TENANT, MAIN),
        PageserverTimelineInfo.class);
    assertFalse(Files.exists(mainDir));
    assertEquals(BusErrors.NOT_FOUND, assertThrows(ReplyException.class, () -> bench.info(MAIN)).failureCode());
  }

  private void deployPageserver() {
    bench.deployPageserver(PageserverConfig.defaults(bench.path("pageserver"), 0)
        .withBasebackupWaitMillis(WAIT_MILLIS));
  }

  private void assertRefused(String timeline, long lsn, String reason) {
    Path dataDir = bench.path("refused").resolve(Lsn.format(lsn).replace('/', '_'));
    Exception e = assertThrows(Exception.class, () -> bench.basebackups().fetch(
        bench.pageserverAddress(), TENANT, timeline, lsn, dataDir).await());
    assertTrue(String.valueOf(e.getMessage()).contains(reason), "refusal says '" + reason + "': " + e.getMessage());
    assertFalse(Files.exists(dataDir), "a refused basebackup leaves no data directory");
  }

  private void assertBusRefused(PageserverCreateTimeline create, String reason) {
    ReplyException e = assertThrows(ReplyException.class,
        () -> bench.request(BusAddresses.PAGESERVER_CREATE_TIMELINE, create, PageserverTimelineInfo.class));
    assertEquals(BusErrors.BAD_REQUEST, e.failureCode(), e.getMessage());
    assertTrue(e.getMessage().contains(reason), "refusal says '" + reason + "': " + e.getMessage());
  }

}
