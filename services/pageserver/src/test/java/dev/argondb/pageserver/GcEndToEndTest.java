package dev.argondb.pageserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.argondb.bus.BusAddresses;
import dev.argondb.bus.BusErrors;
import dev.argondb.bus.PageserverCheckLsn;
import dev.argondb.bus.PageserverCreateSnapshot;
import dev.argondb.bus.PageserverCreateTimeline;
import dev.argondb.bus.PageserverDeleteSnapshot;
import dev.argondb.bus.PageserverDeleteTimeline;
import dev.argondb.bus.PageserverFollowTimeline;
import dev.argondb.bus.PageserverGcResult;
import dev.argondb.bus.PageserverListSnapshots;
import dev.argondb.bus.PageserverLsnAtTime;
import dev.argondb.bus.PageserverLsnForTime;
import dev.argondb.bus.PageserverRunGc;
import dev.argondb.bus.PageserverSnapshot;
import dev.argondb.bus.PageserverSnapshots;
import dev.argondb.bus.PageserverTenantConfig;
import dev.argondb.bus.PageserverTimelineInfo;
import dev.argondb.bus.SafekeeperRef;
import dev.argondb.pageserver.remote.RemoteIndex;
import dev.argondb.pageserver.remote.RemoteKeys;
import dev.argondb.pageserver.remote.RemoteLayer;
import dev.argondb.pageserver.remote.TestS3Server;
import dev.argondb.pgformat.Lsn;
import dev.argondb.pgruntime.PgFiles;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * GC end to end with real Postgres, three real safekeepers and a real S3 API server: a tiny PITR window, images
 * rolled forward every MB with at most two deltas on a full image (compaction), a child branch at an old LSN and a
 * snapshot. GC deletes the images and WAL nothing needs, locally and remotely (and a remote orphan), keeps what the
 * branch and the snapshot need, refuses starts below its cutoff, and a pageserver rebuilt from remote storage after
 * GC still serves everything, snapshots included.
 */
class GcEndToEndTest {
  private static final String TENANT = StorageBench.TENANT;
  private static final String MAIN = StorageBench.MAIN;
  private static final String BRANCH = "22222222222222222222222222222222";
  private static final String FROM_SNAPSHOT = "44444444444444444444444444444444";
  private static final long TIMEOUT = 90_000;

  private StorageBench bench;
  private TestS3Server s3;

  @BeforeEach
  void setUp() throws Exception {
    bench = StorageBench.open("argon-gc-e2e-", TIMEOUT);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (s3 != null) {
      s3.close();
    }
    bench.close();
  }

  @Test
  void gcKeepsWhatAChildBranchAndASnapshotNeedAndDeletesTheRestLocallyAndRemotely() throws Exception {
    // A real S3 API server; its filesystem backend keeps each object at <dir>/<bucket>/<key>, where the test
    // counts them and plants an orphan.
    s3 = new TestS3Server(bench.path("s3"));
    Path remoteDir = s3.dir().resolve("argon").resolve("gc");
    List<SafekeeperRef> safekeepers = bench.deploySafekeepers(0);
    PageserverConfig config = PageserverConfig.defaults(bench.path("pageserver"), 0).withRedo(1 << 20, 1, 200)
        .withRemoteStorage(s3.config("argon", "gc")).withGc(3_600_000, 2);
    bench.deployPageserver(config);
    PageserverTimelineInfo main = bench.request(BusAddresses.PAGESERVER_CREATE_TIMELINE,
        PageserverCreateTimeline.root(TENANT, MAIN, TestCompute.USER, TestCompute.PASSWORD),
        PageserverTimelineInfo.class);
    assertEquals(new PageserverTenantConfig(TENANT, 1), bench.request(BusAddresses.PAGESERVER_TENANT_CONFIG,
        new PageserverTenantConfig(TENANT, 1), PageserverTenantConfig.class));
    TestCompute primary = bench.startCompute(MAIN, 0);
    bench.streamToSafekeepers(primary, main.startLsn(), safekeepers);
    bench.request(BusAddresses.PAGESERVER_FOLLOW_TIMELINE, new PageserverFollowTimeline(TENANT, MAIN, safekeepers),
        PageserverTimelineInfo.class);

    primary.execute("CREATE TABLE t(key int primary key, value text)");
    primary.execute("INSERT INTO t SELECT g, 'a' || g FROM generate_series(1, 1000) g");
    long afterA = StorageBench.insertLsn(primary);
    long timeAMicros = System.currentTimeMillis() * 1000; // after commit A: commit A is the last one by then
    String checksumA = primary.checksum();
    bench.awaitIngested(MAIN, afterA);
    bench.request(BusAddresses.PAGESERVER_CREATE_TIMELINE,
        PageserverCreateTimeline.branch(TENANT, BRANCH, MAIN, afterA), PageserverTimelineInfo.class);

    // Rounds of about 2 MB of WAL, each ending in a checkpoint and a segment switch: an image per round.
    long afterB = 0;
    long notRetained = 0;
    long leased = 0;
    String checksumB = null;
    String checksumLeased = null;
    for (int round = 1; round <= 7; round++) {
      int images = bench.info(MAIN).imageLsns().size();
      primary.execute("INSERT INTO t SELECT g, repeat('x', 300) FROM generate_series(" + (round * 10_000) + ", "
          + (round * 10_000 + 5_000) + ") g");
      if (round == 1) {
        notRetained = StorageBench.insertLsn(primary);
      }
      if (round == 4) {
        leased = StorageBench.insertLsn(primary);
        checksumLeased = primary.checksum();
        bench.awaitIngested(MAIN, leased);
        // What the control plane does before it branches at a resolved LSN: a GC lease (here of a minute).
        bench.request(BusAddresses.PAGESERVER_CHECK_LSN, new PageserverCheckLsn(TENANT, MAIN, leased, 60_000),
            PageserverTimelineInfo.class);
      }
      if (round == 2) {
        afterB = StorageBench.insertLsn(primary);
        checksumB = primary.checksum();
        bench.awaitIngested(MAIN, afterB);
        PageserverSnapshot snapshot = bench.request(BusAddresses.PAGESERVER_SNAPSHOT_CREATE,
            new PageserverCreateSnapshot(TENANT, MAIN, "snap-b", afterB), PageserverSnapshot.class);
        assertEquals(afterB, snapshot.lsn());
      }
      primary.execute("CHECKPOINT");
      long switched = StorageBench.switchWal(primary);
      bench.awaitIngested(MAIN, switched);
      awaitImages(MAIN, images + 1);
    }
    primary.execute("INSERT INTO t VALUES (1000000, 'last')");
    String checksumC = primary.checksum();
    primary.execute("CHECKPOINT");
    long lastSwitch = StorageBench.switchWal(primary);
    bench.awaitIngested(MAIN, lastSwitch);
    awaitUploaded(MAIN, lastSwitch);

    // Compaction: with at most two deltas on a full image, roll forwards wrote full images beside initdb's; the
    // newest chain rests on one, so the data at the end (checked below) comes from a compacted image.
    List<Long> fullImages = bench.info(MAIN).imageLsns().stream().filter(lsn -> Files.isDirectory(
        bench.pageserver().timelines().directoryOf(TENANT, MAIN).resolve("images").resolve(String.format("%016X", lsn))
            .resolve("pgdata"))).toList();
    assertTrue(fullImages.size() >= 2, "full images written by compaction: " + fullImages);

    Path mainPrefix = remoteDir.resolve(RemoteKeys.timelinePrefix(TENANT, MAIN));
    Path orphan = mainPrefix.resolve("images/00000000DEADBEEF.tar");
    Files.writeString(orphan, "left by an upload pass cut short");
    List<Long> imagesBefore = bench.info(MAIN).imageLsns();
    int segmentsBefore = count(walDir(MAIN));
    int remoteBefore = count(mainPrefix);
    Thread.sleep(1_500); // every commit is older than the 1 s PITR window now

    PageserverGcResult result = bench.request(BusAddresses.PAGESERVER_RUN_GC, new PageserverRunGc(TENANT),
        PageserverGcResult.class);
    List<Long> imagesAfter = bench.info(MAIN).imageLsns();
    assertTrue(result.imagesDeleted() > 0 && result.walSegmentsDeleted() > 0, result.toString());
    // A roll forward may add an image while GC runs (the redo check runs every 200 ms): count the earlier ones.
    List<Long> keptOfBefore = imagesAfter.stream().filter(imagesBefore::contains).toList();
    assertEquals(imagesBefore.size() - result.imagesDeleted(), keptOfBefore.size());
    assertTrue(count(walDir(MAIN)) < segmentsBefore, "local WAL segments deleted");
    assertFalse(Files.exists(orphan), "the remote orphan is deleted");
    int remoteAfter = count(mainPrefix);
    assertTrue(remoteAfter < remoteBefore - 1, "remote objects " + remoteBefore + " -> " + remoteAfter);
    assertTrue(imagesAfter.contains(imagesBefore.get(0)), "the image the branch point reads from is kept");
    assertTrue(imagesAfter.contains(imagesBefore.get(imagesBefore.size() - 1)), "the newest image is kept");
    RemoteIndex index = RemoteIndex.fromJson(new JsonObject(Files.readString(mainPrefix.resolve(RemoteKeys.INDEX))));
    List<Long> indexed = index.images().stream().map(RemoteLayer::endLsn).toList();
    assertTrue(imagesAfter.containsAll(indexed), "the remote index names only kept images: " + indexed);
    for (var layer : index.layers()) {
      assertTrue(Files.exists(mainPrefix.resolve(layer.name())), "listed " + layer.name() + " exists");
    }
    assertEquals("snap-b", index.snapshots().getJsonObject(0).getString("name"));
    assertTrue(bench.registry().get("argon_pageserver_gc_freed_bytes_total").tag("where", "remote").tag("kind", "image")
        .counter().count() > 0);

    // What the branch point and the snapshot need is there; a point nothing retained is refused.
    bench.stop(primary);
    assertEquals(checksumA, bench.checksumOf(BRANCH, 0));
    assertEquals(checksumC, bench.checksumOf(MAIN, 0));
    bench.request(BusAddresses.PAGESERVER_CREATE_TIMELINE,
        PageserverCreateTimeline.branch(TENANT, FROM_SNAPSHOT, MAIN, afterB), PageserverTimelineInfo.class);
    assertEquals(checksumB, bench.checksumOf(FROM_SNAPSHOT, 0));
    assertEquals(checksumLeased, bench.checksumOf(MAIN, leased), "GC kept what the lease holds");
    long refusedLsn = notRetained;
    ReplyException belowCutoff = assertThrows(ReplyException.class, () -> bench.request(
        BusAddresses.PAGESERVER_CHECK_LSN, new PageserverCheckLsn(TENANT, MAIN, refusedLsn),
        PageserverTimelineInfo.class));
    assertEquals(BusErrors.BAD_REQUEST, belowCutoff.failureCode());
    assertTrue(belowCutoff.getMessage().contains("below the GC cutoff"), belowCutoff.getMessage());
    ReplyException tooOld = assertThrows(ReplyException.class, () -> bench.request(
        BusAddresses.PAGESERVER_LSN_FOR_TIME, new PageserverLsnForTime(TENANT, MAIN, timeAMicros, 60_000),
        PageserverLsnAtTime.class));
    assertEquals(BusErrors.BAD_REQUEST, tooOld.failureCode());
    assertTrue(tooOld.getMessage().contains("older than the tenant's PITR window"), tooOld.getMessage());

    // A pageserver rebuilt from remote storage after GC serves every timeline and keeps the snapshot and window.
    awaitUploaded(FROM_SNAPSHOT, afterB);
    bench.stopPageserver();
    PgFiles.deleteRecursively(bench.path("pageserver"));
    bench.deployPageserver(config);
    assertEquals(checksumC, bench.checksumOf(MAIN, 0));
    assertEquals(checksumA, bench.checksumOf(BRANCH, 0));
    assertEquals(checksumB, bench.checksumOf(FROM_SNAPSHOT, 0));
    assertEquals(List.of("snap-b"), bench.request(BusAddresses.PAGESERVER_SNAPSHOT_LIST,
        new PageserverListSnapshots(TENANT), PageserverSnapshots.class).snapshots().stream()
        .map(PageserverSnapshot::name).toList());
    assertThrows(ReplyException.class, () -> bench.request(BusAddresses.PAGESERVER_CHECK_LSN,
        new PageserverCheckLsn(TENANT, MAIN, refusedLsn), PageserverTimelineInfo.class), "the cutoff survives");
    ReplyException stillTooOld = assertThrows(ReplyException.class, () -> bench.request(
        BusAddresses.PAGESERVER_LSN_FOR_TIME, new PageserverLsnForTime(TENANT, MAIN, timeAMicros),
        PageserverLsnAtTime.class));
    assertTrue(stillTooOld.getMessage().contains("PITR window (pitr_interval 1s"), "the tenant's window survives: "
        + stillTooOld.getMessage());

    // A deleted timeline loses its remote index at once (even right after a restart, before any upload pass); GC
    // then deletes the layers it left.
    bench.request(BusAddresses.PAGESERVER_DELETE_TIMELINE, new PageserverDeleteTimeline(TENANT, FROM_SNAPSHOT),
        PageserverTimelineInfo.class);
    Path deletedPrefix = remoteDir.resolve(RemoteKeys.timelinePrefix(TENANT, FROM_SNAPSHOT));
    long deadline = System.currentTimeMillis() + TIMEOUT;
    while (Files.exists(deletedPrefix.resolve(RemoteKeys.INDEX))) {
      assertTrue(System.currentTimeMillis() < deadline, "the deleted timeline's index goes");
      Thread.sleep(50);
    }
    Path leftover = deletedPrefix.resolve("wal/0000000000000002");
    Files.createDirectories(leftover.getParent());
    Files.writeString(leftover, "a layer of a deleted timeline");
    bench.request(BusAddresses.PAGESERVER_RUN_GC, new PageserverRunGc(null), PageserverGcResult.class);
    assertFalse(Files.exists(leftover), "the deleted timeline's layers are collected");
    assertTrue(Files.exists(mainPrefix.resolve(RemoteKeys.INDEX)), "a live timeline's index stays");
  }

  @Test
  void snapshotsRefuseBadInputAndKeepTheirTimeline() throws Exception {
    bench.deployPageserver(PageserverConfig.defaults(bench.path("pageserver"), 0));
    PageserverTimelineInfo main = bench.request(BusAddresses.PAGESERVER_CREATE_TIMELINE,
        PageserverCreateTimeline.root(TENANT, MAIN, TestCompute.USER, TestCompute.PASSWORD),
        PageserverTimelineInfo.class);
    bench.request(BusAddresses.PAGESERVER_CREATE_TIMELINE, PageserverCreateTimeline.branch(TENANT, BRANCH, MAIN, 0),
        PageserverTimelineInfo.class);

    assertRefused(BusErrors.BAD_REQUEST, new PageserverCreateSnapshot(TENANT, BRANCH, "bad name!", 0));
    assertRefused(BusErrors.BAD_REQUEST, new PageserverCreateSnapshot(TENANT, MAIN, "odd", main.startLsn() + 1));
    assertRefused(BusErrors.NOT_FOUND, new PageserverCreateSnapshot(TENANT, FROM_SNAPSHOT, "nowhere", 0));
    assertEquals(List.of(), snapshotNames(), "nothing stored");

    PageserverSnapshot kept = bench.request(BusAddresses.PAGESERVER_SNAPSHOT_CREATE,
        new PageserverCreateSnapshot(TENANT, BRANCH, "keep-me", 0), PageserverSnapshot.class);
    assertEquals(main.startLsn(), kept.lsn(), "0 is the branch's current end");
    assertRefused(BusErrors.CONFLICT, new PageserverCreateSnapshot(TENANT, MAIN, "keep-me", 0));
    ReplyException busy = assertThrows(ReplyException.class, () -> bench.request(
        BusAddresses.PAGESERVER_DELETE_TIMELINE, new PageserverDeleteTimeline(TENANT, BRANCH),
        PageserverTimelineInfo.class));
    assertEquals(BusErrors.CONFLICT, busy.failureCode());
    assertTrue(busy.getMessage().contains("keep-me"), busy.getMessage());
    assertRefused(BusErrors.NOT_FOUND, new PageserverDeleteSnapshot(TENANT, "unknown"));
    assertEquals(List.of("keep-me"), snapshotNames());

    bench.request(BusAddresses.PAGESERVER_SNAPSHOT_DELETE, new PageserverDeleteSnapshot(TENANT, "keep-me"),
        PageserverSnapshot.class);
    bench.request(BusAddresses.PAGESERVER_DELETE_TIMELINE, new PageserverDeleteTimeline(TENANT, BRANCH),
        PageserverTimelineInfo.class);
    assertEquals(List.of(), snapshotNames());

    ReplyException negative = assertThrows(ReplyException.class, () -> bench.request(
        BusAddresses.PAGESERVER_TENANT_CONFIG, new PageserverTenantConfig(TENANT, -5), PageserverTenantConfig.class));
    assertEquals(BusErrors.BAD_REQUEST, negative.failureCode());
    assertFalse(Files.exists(bench.path("pageserver").resolve("tenants").resolve(TENANT).resolve("tenant.json")));
  }

  private void assertRefused(int code, Object request) {
    String address = request instanceof PageserverDeleteSnapshot ? BusAddresses.PAGESERVER_SNAPSHOT_DELETE
        : BusAddresses.PAGESERVER_SNAPSHOT_CREATE;
    ReplyException refused = assertThrows(ReplyException.class,
        () -> bench.request(address, request, PageserverSnapshot.class));
    assertEquals(code, refused.failureCode(), refused.getMessage());
  }

  private List<String> snapshotNames() {
    return bench.request(BusAddresses.PAGESERVER_SNAPSHOT_LIST, new PageserverListSnapshots(TENANT),
        PageserverSnapshots.class).snapshots().stream().map(PageserverSnapshot::name).toList();
  }

  private Path walDir(String timeline) {
    return bench.pageserver().timelines().directoryOf(TENANT, timeline).resolve("wal");
  }

  private static int count(Path dir) throws Exception {
    try (var walk = Files.walk(dir)) {
      return (int) walk.filter(Files::isRegularFile).count();
    }
  }

  private void awaitImages(String timeline, int count) throws Exception {
    long deadline = System.currentTimeMillis() + TIMEOUT;
    while (bench.info(timeline).imageLsns().size() < count) {
      assertTrue(System.currentTimeMillis() < deadline, "an image roll forward makes image " + count);
      Thread.sleep(50);
    }
  }

  /** Until every image and the WAL up to {@code lsn} are uploaded. */
  private void awaitUploaded(String timeline, long lsn) throws Exception {
    long deadline = System.currentTimeMillis() + TIMEOUT;
    while (true) {
      RemoteIndex index = bench.pageserver().uploads().uploadedIndex(TENANT, timeline);
      if (index != null && Lsn.compare(index.remoteConsistentLsn(), lsn) >= 0
          && index.images().size() == bench.info(timeline).imageLsns().size()) {
        return;
      }
      assertTrue(System.currentTimeMillis() < deadline, timeline + " is uploaded up to " + Lsn.format(lsn));
      Thread.sleep(50);
    }
  }
}
