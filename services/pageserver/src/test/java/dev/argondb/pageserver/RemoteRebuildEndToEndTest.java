package dev.argondb.pageserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.argondb.bus.Bus;
import dev.argondb.bus.BusAddresses;
import dev.argondb.bus.BusErrors;
import dev.argondb.bus.FollowCompute;
import dev.argondb.bus.PageserverCreateTimeline;
import dev.argondb.bus.PageserverDeleteTimeline;
import dev.argondb.bus.PageserverFollowTimeline;
import dev.argondb.bus.PageserverGetTimeline;
import dev.argondb.bus.PageserverTimelineInfo;
import dev.argondb.bus.PrepareTerm;
import dev.argondb.bus.SafekeeperRef;
import dev.argondb.bus.TermStart;
import dev.argondb.bus.TimelineState;
import dev.argondb.bus.WalSource;
import dev.argondb.compute.basebackup.BasebackupClient;
import dev.argondb.pgruntime.PgFiles;
import dev.argondb.pageserver.remote.RemoteIndex;
import dev.argondb.pageserver.remote.RemoteKeys;
import dev.argondb.pageserver.remote.RemoteMetrics;
import dev.argondb.pageserver.remote.RemoteRestore;
import dev.argondb.pageserver.remote.RemoteStorage;
import dev.argondb.pageserver.remote.RemoteStorageConfig;
import dev.argondb.pageserver.remote.RemoteStorages;
import dev.argondb.pageserver.remote.TestS3Server;
import dev.argondb.pageserver.timeline.Timelines;
import dev.argondb.pgformat.Lsn;
import dev.argondb.pgformat.WalSegments;
import dev.argondb.safekeeper.SafekeeperConfig;
import dev.argondb.safekeeper.SafekeeperService;
import dev.argondb.safekeeper.wal.TimelineDirectory;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Remote storage end to end with real Postgres, three real safekeepers and a real S3-API server: the pageserver
 * uploads images and whole WAL segments with an index, its local directory is wiped, and a new pageserver
 * rebuilt from remote storage (and the safekeepers past the remote consistent LSN) serves every timeline with
 * the same data; safekeepers drop the WAL below the remote consistent LSN; a corrupt layer is refused.
 */
class RemoteRebuildEndToEndTest {
  private static final String TENANT = "0123456789abcdef0123456789abcdef";
  private static final String MAIN = "11111111111111111111111111111111";
  private static final String BRANCH = "22222222222222222222222222222222";
  private static final String REPLICATION_USER = "argon_replication";
  private static final String REPLICATION_PASSWORD = "replication-password";
  private static final List<String> SAFEKEEPERS = List.of("sk1", "sk2", "sk3");
  private static final long TIMEOUT = 60_000;

  private Vertx vertx;
  private Path root;
  private final List<TestCompute> computes = new ArrayList<>();
  private PageserverService.Handle pageserver;
  private PrometheusMeterRegistry registry;
  private BasebackupClient basebackups;
  private int computeDirs;

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    root = Files.createTempDirectory("argon-remote-e2e-");
    basebackups = new BasebackupClient(vertx, GrpcClient.client(vertx));
  }

  @AfterEach
  void tearDown() throws Exception {
    for (TestCompute compute : computes) {
      compute.close();
    }
    vertx.close().await();
    PgFiles.deleteRecursively(root);
  }

  @Test
  void aPageserverRebuiltFromS3ServesEveryTimelineWithTheSameDataAfterTheServerWasDownMidUpload()
      throws Exception {
    try (TestS3Server s3 = new TestS3Server(root.resolve("s3"))) {
      RemoteStorageConfig remote = s3.config("argon", "cluster");
      List<SafekeeperRef> safekeepers = deploySafekeepers();
      // Images roll forward after 1 MB of WAL, so delta images are uploaded and restored too.
      PageserverConfig config = PageserverConfig.defaults(root.resolve("pageserver"), 0).withRedo(1 << 20, 1, 500)
          .withRemoteStorage(remote);
      pageserver = deploy(config);

      PageserverTimelineInfo main = request(BusAddresses.PAGESERVER_CREATE_TIMELINE,
          PageserverCreateTimeline.root(TENANT, MAIN, TestCompute.USER, TestCompute.PASSWORD),
          PageserverTimelineInfo.class);
      TestCompute primary = startCompute(MAIN, 0);
      streamToSafekeepers(primary, main.startLsn(), safekeepers);
      request(BusAddresses.PAGESERVER_FOLLOW_TIMELINE, new PageserverFollowTimeline(TENANT, MAIN, safekeepers),
          PageserverTimelineInfo.class);

      primary.execute("CREATE TABLE t(key int primary key, value text)");
      primary.execute("INSERT INTO t SELECT g, 'a' || g FROM generate_series(1, 1000) g");
      long afterA = Lsn.parse(primary.queryString("SELECT pg_current_wal_insert_lsn()::text"));
      String checksumA = primary.checksum();
      awaitIngested(MAIN, afterA);
      request(BusAddresses.PAGESERVER_CREATE_TIMELINE, PageserverCreateTimeline.branch(TENANT, BRANCH, MAIN, afterA),
          PageserverTimelineInfo.class);
      primary.execute("CHECKPOINT");
      long firstSwitch = switchWal(primary);
      primary.execute("INSERT INTO t SELECT g, 'b' || g FROM generate_series(1001, 2000) g");
      awaitRemote(MAIN, lsn -> Lsn.compare(lsn, firstSwitch) >= 0, "the first whole segment is uploaded");

      // The S3 server goes away while more WAL (and perhaps an image) waits to be uploaded.
      s3.stop();
      primary.execute("CHECKPOINT");
      long secondSwitch = switchWal(primary);
      primary.execute("INSERT INTO t SELECT g, 'c' || g FROM generate_series(2001, 3000) g");
      long afterC = Lsn.parse(primary.queryString("SELECT pg_current_wal_insert_lsn()::text"));
      String checksumC = primary.checksum();
      awaitIngested(MAIN, afterC);
      long deadline = System.currentTimeMillis() + TIMEOUT;
      while (registry.get("argon_pageserver_remote_retries_total").tag("op", "put").counter().count() < 2) {
        assertTrue(System.currentTimeMillis() < deadline, "uploads are retried while the S3 server is down");
        Thread.sleep(50);
      }
      assertTrue(Lsn.compare(uploaded(MAIN).remoteConsistentLsn(), secondSwitch) < 0, "nothing new while down");
      s3.start();
      awaitRemote(MAIN, lsn -> Lsn.compare(lsn, secondSwitch) >= 0, "the upload completes once S3 is back");
      awaitAllImagesUploaded(MAIN);
      long consistent = uploaded(MAIN).remoteConsistentLsn();
      assertTrue(Lsn.compare(consistent, afterC) < 0, "the last rows are only on the safekeepers");
      awaitRemote(BRANCH, lsn -> lsn == afterA, "the branch's index is uploaded: consistent at its start");
      List<Long> imageLsns = info(MAIN).imageLsns();
      assertTrue(registry.get("argon_pageserver_remote_uploaded_objects_total").tag("kind", "wal").counter().count()
          >= 3, "the initdb part and two whole segments");
      assertTrue(registry.get("argon_pageserver_remote_uploaded_bytes_total").tag("kind", "image").counter().count()
          > 0);
      assertTrue(imageLsns.size() >= 2, "a delta image was made and uploaded: " + imageLsns);

      // Safekeepers (margin 0) drop the segments below the remote consistent LSN.
      deadline = System.currentTimeMillis() + TIMEOUT;
      for (String id : SAFEKEEPERS) {
        TimelineDirectory dir = TimelineDirectory.of(root.resolve(id), TENANT, MAIN);
        while (dir.segmentNumbers().get(0) < WalSegments.segmentNumber(consistent)) {
          assertTrue(System.currentTimeMillis() < deadline, id + " drops WAL below " + Lsn.format(consistent));
          Thread.sleep(50);
        }
      }

      // Wipe the pageserver; a new one with the same remote storage rebuilds every timeline.
      pageserver.undeploy(vertx).await();
      PgFiles.deleteRecursively(root.resolve("pageserver"));
      pageserver = deploy(config);
      assertTrue(Lsn.compare(info(MAIN).lastRecordLsn(), consistent) >= 0, "restored up to the consistent LSN");
      assertEquals(afterA, info(BRANCH).startLsn());
      assertTrue(info(MAIN).imageLsns().containsAll(imageLsns), "images restored: " + info(MAIN).imageLsns());
      awaitIngested(MAIN, afterC); // ingest resumed from the safekeepers past the remote consistent LSN
      assertEquals(checksumC, checksumOf(MAIN, 0));
      assertEquals(checksumA, checksumOf(MAIN, afterA));
      assertEquals(checksumA, checksumOf(BRANCH, 0));
      assertTrue(registry.get("argon_pageserver_remote_downloaded_bytes_total").tag("kind", "wal").counter().count()
          >= 2.0 * WalSegments.SEGMENT_SIZE);
    }
  }

  @Test
  void aCorruptLayerIsRefusedAndItsTimelineNotServed() throws Exception {
    Path remoteDir = root.resolve("remote");
    List<SafekeeperRef> safekeepers = deploySafekeepers();
    PageserverConfig config = PageserverConfig.defaults(root.resolve("pageserver"), 0)
        .withRemoteStorage(new RemoteStorageConfig.Directory(remoteDir));
    pageserver = deploy(config);
    PageserverTimelineInfo main = request(BusAddresses.PAGESERVER_CREATE_TIMELINE,
        PageserverCreateTimeline.root(TENANT, MAIN, TestCompute.USER, TestCompute.PASSWORD),
        PageserverTimelineInfo.class);
    TestCompute primary = startCompute(MAIN, 0);
    streamToSafekeepers(primary, main.startLsn(), safekeepers);
    request(BusAddresses.PAGESERVER_FOLLOW_TIMELINE, new PageserverFollowTimeline(TENANT, MAIN, safekeepers),
        PageserverTimelineInfo.class);
    primary.execute("CREATE TABLE t(key int primary key, value text)");
    long switched = switchWal(primary);
    primary.execute("INSERT INTO t VALUES (1, 'one')");
    awaitRemote(MAIN, lsn -> Lsn.compare(lsn, switched) >= 0, "a whole segment is uploaded");

    // A deleted timeline's remote index goes too: a rebuild does not bring it back.
    request(BusAddresses.PAGESERVER_CREATE_TIMELINE, PageserverCreateTimeline.branch(TENANT, BRANCH, MAIN, switched),
        PageserverTimelineInfo.class);
    Path branchIndex = remoteDir.resolve(RemoteKeys.index(TENANT, BRANCH));
    awaitFile(branchIndex, true);
    request(BusAddresses.PAGESERVER_DELETE_TIMELINE, new PageserverDeleteTimeline(TENANT, BRANCH),
        PageserverTimelineInfo.class);
    awaitFile(branchIndex, false);
    pageserver.undeploy(vertx).await();

    // One byte of the uploaded WAL segment flips.
    RemoteIndex index = uploaded(remoteDir, MAIN);
    String walName = index.wal().get(0).name();
    Path layer = remoteDir.resolve(RemoteKeys.timelinePrefix(TENANT, MAIN) + walName);
    try (RandomAccessFile file = new RandomAccessFile(layer.toFile(), "rw")) {
      file.seek(WalSegments.SEGMENT_SIZE / 2);
      int b = file.read();
      file.seek(WalSegments.SEGMENT_SIZE / 2);
      file.write(b ^ 0x40);
    }
    PgFiles.deleteRecursively(root.resolve("pageserver"));
    pageserver = deploy(config);
    ReplyException unknown = assertThrows(ReplyException.class, () -> info(MAIN));
    assertEquals(BusErrors.NOT_FOUND, unknown.failureCode());
    assertFalse(Files.exists(pageserver.timelines().directoryOf(TENANT, MAIN)), "nothing of it is left");

    // The refusal names the layer and the checksums; an unreadable index refuses its own timeline only.
    String other = "33333333333333333333333333333333";
    Files.createDirectories(remoteDir.resolve(RemoteKeys.index(TENANT, other)).getParent());
    Files.writeString(remoteDir.resolve(RemoteKeys.index(TENANT, other)), "not json");
    RemoteMetrics metrics = new RemoteMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    RemoteStorage storage = RemoteStorages.open(vertx, new RemoteStorageConfig.Directory(remoteDir), metrics).await();
    RemoteRestore.Result result = new RemoteRestore(vertx, storage, metrics, new Timelines(root.resolve("again")),
        root.resolve("again-staging")).restoreMissing().await();
    assertEquals(List.of(), result.restored());
    String reason = result.refused().get(TENANT + "/" + MAIN);
    assertTrue(reason != null && reason.contains(walName) && reason.contains("corrupt")
        && reason.contains(index.wal().get(0).sha256()), "refused: " + reason);
    assertTrue(result.refused().get(TENANT + "/" + other).contains("unreadable"), result.refused().toString());
  }

  private static void awaitFile(Path file, boolean exists) throws Exception {
    long deadline = System.currentTimeMillis() + TIMEOUT;
    while (Files.exists(file) != exists) {
      assertTrue(System.currentTimeMillis() < deadline, file + (exists ? " appears" : " goes away"));
      Thread.sleep(50);
    }
  }

  private RemoteIndex uploaded(Path remoteDir, String timeline) throws Exception {
    return RemoteIndex.fromJson(new io.vertx.core.json.JsonObject(
        Files.readString(remoteDir.resolve(RemoteKeys.index(TENANT, timeline)))));
  }

  private List<SafekeeperRef> deploySafekeepers() {
    List<SafekeeperRef> safekeepers = new ArrayList<>();
    for (String id : SAFEKEEPERS) {
      // No retention margin: every segment below the remote consistent LSN goes.
      safekeepers.add(SafekeeperService.deploy(vertx, new SafekeeperConfig(id, root.resolve(id), "127.0.0.1", 0, 2, 0),
          new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)).await().ref());
    }
    return safekeepers;
  }

  private PageserverService.Handle deploy(PageserverConfig config) {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    return PageserverService.deploy(vertx, config, registry).await();
  }

  /** Ends the current segment; returns the switch record's end (the next segment's start). */
  private static long switchWal(TestCompute compute) throws Exception {
    compute.execute("SELECT pg_switch_wal()");
    long lsn = Lsn.parse(compute.queryString("SELECT pg_current_wal_insert_lsn()::text"));
    return WalSegments.segmentStart(WalSegments.segmentNumber(lsn));
  }

  private RemoteIndex uploaded(String timeline) {
    return pageserver.uploads().uploadedIndex(TENANT, timeline);
  }

  private void awaitRemote(String timeline, LongPredicate consistent, String what) throws Exception {
    long deadline = System.currentTimeMillis() + TIMEOUT;
    while (uploaded(timeline) == null || !consistent.test(uploaded(timeline).remoteConsistentLsn())) {
      assertTrue(System.currentTimeMillis() < deadline, what);
      Thread.sleep(50);
    }
  }

  private void awaitAllImagesUploaded(String timeline) throws Exception {
    long deadline = System.currentTimeMillis() + TIMEOUT;
    while (uploaded(timeline).images().size() < info(timeline).imageLsns().size()) {
      assertTrue(System.currentTimeMillis() < deadline, "every image is uploaded");
      Thread.sleep(50);
    }
  }

  private TestCompute startCompute(String timeline, long lsn) throws Exception {
    Path dataDir = root.resolve("computes").resolve("c" + (++computeDirs)).resolve("pgdata");
    basebackups.fetch(SocketAddress.inetSocketAddress(pageserver.port(), pageserver.host()), TENANT, timeline, lsn,
        dataDir).await();
    TestCompute compute = TestCompute.start(dataDir, Map.of());
    computes.add(compute);
    return compute;
  }

  private String checksumOf(String timeline, long lsn) throws Exception {
    TestCompute compute = startCompute(timeline, lsn);
    try {
      return compute.checksum();
    } finally {
      compute.close();
      computes.remove(compute);
    }
  }

  private void streamToSafekeepers(TestCompute compute, long start, List<SafekeeperRef> safekeepers) throws Exception {
    StringBuilder setup = new StringBuilder("CREATE ROLE " + REPLICATION_USER + " WITH LOGIN REPLICATION PASSWORD '"
        + REPLICATION_PASSWORD + "';");
    for (String id : SAFEKEEPERS) {
      setup.append("SELECT pg_create_physical_replication_slot('").append(WalSource.slotName(id)).append("', true);");
    }
    compute.execute(setup.toString());
    List<TermStart> history = List.of(new TermStart(1, start));
    for (SafekeeperRef sk : safekeepers) {
      request(BusAddresses.safekeeperPrepareTerm(sk.id()), new PrepareTerm(TENANT, MAIN, 1, history, start, start, null),
          TimelineState.class);
      request(BusAddresses.safekeeperFollow(sk.id()), new FollowCompute(TENANT, MAIN, 1, history, start, null,
          "127.0.0.1", compute.port(), REPLICATION_USER, REPLICATION_PASSWORD), TimelineState.class);
    }
    compute.execute("ALTER SYSTEM SET synchronous_standby_names = 'ANY 2 (sk1, sk2, sk3)'");
    compute.execute("SELECT pg_reload_conf()");
    long deadline = System.currentTimeMillis() + TIMEOUT;
    while (Integer.parseInt(compute.queryString(
        "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")) < 2) {
      assertTrue(System.currentTimeMillis() < deadline, "safekeepers stream from the compute");
      Thread.sleep(50);
    }
  }

  private void awaitIngested(String timeline, long lsn) throws Exception {
    long deadline = System.currentTimeMillis() + TIMEOUT;
    while (Lsn.compare(info(timeline).lastRecordLsn(), lsn) < 0) {
      assertTrue(System.currentTimeMillis() < deadline, "the pageserver ingests up to " + Lsn.format(lsn));
      Thread.sleep(20);
    }
  }

  private PageserverTimelineInfo info(String timeline) {
    return request(BusAddresses.PAGESERVER_TIMELINE_INFO, new PageserverGetTimeline(TENANT, timeline),
        PageserverTimelineInfo.class);
  }

  private <R> R request(String address, Object message, Class<R> replyType) {
    return Bus.request(vertx.eventBus(), address, message, replyType, TIMEOUT).await();
  }
}
