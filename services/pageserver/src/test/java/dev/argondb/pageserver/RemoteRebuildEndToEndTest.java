package dev.argondb.pageserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.argondb.bus.BusAddresses;
import dev.argondb.bus.BusErrors;
import dev.argondb.bus.PageserverCreateTimeline;
import dev.argondb.bus.PageserverDeleteTimeline;
import dev.argondb.bus.PageserverFollowTimeline;
import dev.argondb.bus.PageserverTimelineInfo;
import dev.argondb.bus.SafekeeperRef;
import dev.argondb.pgruntime.PgFiles;
import dev.argondb.pageserver.image.ImageStore;
import dev.argondb.pageserver.remote.RemoteIndex;
import dev.argondb.pageserver.remote.RemoteLayer;
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
import dev.argondb.safekeeper.wal.TimelineDirectory;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
  private static final String TENANT = StorageBench.TENANT;
  private static final String MAIN = StorageBench.MAIN;
  private static final String BRANCH = "22222222222222222222222222222222";
  private static final List<String> SAFEKEEPERS = StorageBench.SAFEKEEPERS;
  private static final long TIMEOUT = 60_000;

  private StorageBench bench;

  @BeforeEach
  void setUp() throws Exception {
    bench = StorageBench.open("argon-remote-e2e-", TIMEOUT);
  }

  @AfterEach
  void tearDown() throws Exception {
    bench.close();
  }

  @Test
  void aPageserverRebuiltFromS3ServesEveryTimelineWithTheSameDataAfterTheServerWasDownMidUpload()
      throws Exception {
    try (TestS3Server s3 = new TestS3Server(bench.path("s3"))) {
      RemoteStorageConfig remote = s3.config("argon", "cluster");
      List<SafekeeperRef> safekeepers = bench.deploySafekeepers(0);
      // Images roll forward after 1 MB of WAL, so delta images are uploaded and restored too.
      PageserverConfig config = PageserverConfig.defaults(bench.path("pageserver"), 0).withRedo(1 << 20, 1, 500)
          .withRemoteStorage(remote);
      bench.deployPageserver(config);

      PageserverTimelineInfo main = bench.request(BusAddresses.PAGESERVER_CREATE_TIMELINE,
          PageserverCreateTimeline.root(TENANT, MAIN, TestCompute.USER, TestCompute.PASSWORD),
          PageserverTimelineInfo.class);
      TestCompute primary = bench.startCompute(MAIN, 0);
      bench.streamToSafekeepers(primary, main.startLsn(), safekeepers);
      bench.request(BusAddresses.PAGESERVER_FOLLOW_TIMELINE, new PageserverFollowTimeline(TENANT, MAIN, safekeepers),
          PageserverTimelineInfo.class);

      primary.execute("CREATE TABLE t(key int primary key, value text)");
      primary.execute("INSERT INTO t SELECT g, 'a' || g FROM generate_series(1, 1000) g");
      long afterA = Lsn.parse(primary.queryString("SELECT pg_current_wal_insert_lsn()::text"));
      String checksumA = primary.checksum();
      bench.awaitIngested(MAIN, afterA);
      bench.request(BusAddresses.PAGESERVER_CREATE_TIMELINE, PageserverCreateTimeline.branch(TENANT, BRANCH, MAIN, afterA),
          PageserverTimelineInfo.class);
      primary.execute("CHECKPOINT");
      long firstSwitch = StorageBench.switchWal(primary);
      primary.execute("INSERT INTO t SELECT g, 'b' || g FROM generate_series(1001, 2000) g");
      awaitRemote(MAIN, lsn -> Lsn.compare(lsn, firstSwitch) >= 0, "the first whole segment is uploaded");

      // The S3 server goes away while more WAL (and perhaps an image) waits to be uploaded.
      s3.stop();
      primary.execute("CHECKPOINT");
      long secondSwitch = StorageBench.switchWal(primary);
      primary.execute("INSERT INTO t SELECT g, 'c' || g FROM generate_series(2001, 3000) g");
      long afterC = Lsn.parse(primary.queryString("SELECT pg_current_wal_insert_lsn()::text"));
      String checksumC = primary.checksum();
      bench.awaitIngested(MAIN, afterC);
      long deadline = System.currentTimeMillis() + TIMEOUT;
      while (bench.registry().get("argon_pageserver_remote_retries_total").tag("op", "put").counter().count() < 2) {
        assertTrue(System.currentTimeMillis() < deadline, "uploads are retried while the S3 server is down");
        Thread.sleep(50);
      }
      assertTrue(Lsn.compare(uploaded(MAIN).remoteConsistentLsn(), secondSwitch) < 0, "nothing new while down");
      s3.start();
      awaitRemote(MAIN, lsn -> Lsn.compare(lsn, secondSwitch) >= 0, "the upload completes once S3 is back");
      // Over 1 MB of WAL past the first image: the next redo check (every 500 ms) rolls it forward.
      deadline = System.currentTimeMillis() + TIMEOUT;
      while (bench.info(MAIN).imageLsns().size() < 2) {
        assertTrue(System.currentTimeMillis() < deadline, "a delta image is made");
        Thread.sleep(50);
      }
      awaitAllImagesUploaded(MAIN);
      long consistent = uploaded(MAIN).remoteConsistentLsn();
      assertTrue(Lsn.compare(consistent, afterC) < 0, "the last rows are only on the safekeepers");
      awaitRemote(BRANCH, lsn -> lsn == afterA, "the branch's index is uploaded: consistent at its start");
      List<Long> imageLsns = bench.info(MAIN).imageLsns();
      assertTrue(bench.registry().get("argon_pageserver_remote_uploaded_objects_total").tag("kind", "wal").counter()
          .count() >= 2, "two whole segments (and the initdb part if a pass ran before the first segment was whole)");
      assertTrue(bench.registry().get("argon_pageserver_remote_uploaded_bytes_total").tag("kind", "image").counter()
          .count() > 0);
      assertTrue(imageLsns.size() >= 2, "a delta image was made and uploaded: " + imageLsns);

      // Safekeepers (margin 0) drop the segments below the remote consistent LSN.
      deadline = System.currentTimeMillis() + TIMEOUT;
      for (String id : SAFEKEEPERS) {
        TimelineDirectory dir = TimelineDirectory.of(bench.path(id), TENANT, MAIN);
        while (dir.segmentNumbers().get(0) < WalSegments.segmentNumber(consistent)) {
          assertTrue(System.currentTimeMillis() < deadline, id + " drops WAL below " + Lsn.format(consistent));
          Thread.sleep(50);
        }
      }

      // Wipe the pageserver; a new one with the same remote storage rebuilds every timeline, lazily. (No image
      // roll forward on it: only basebackups read images here.)
      bench.stopPageserver();
      PgFiles.deleteRecursively(bench.path("pageserver"));
      bench.deployPageserver(config.withRedo(64 << 20, 1, 500));
      assertTrue(Lsn.compare(bench.info(MAIN).lastRecordLsn(), consistent) >= 0, "restored up to the consistent LSN");
      assertEquals(afterA, bench.info(BRANCH).startLsn());
      assertTrue(bench.info(MAIN).imageLsns().containsAll(imageLsns), "images restored: " + bench.info(MAIN).imageLsns());
      bench.awaitIngested(MAIN, afterC); // ingest resumed from the safekeepers past the remote consistent LSN
      // Until the first basebackup, no image is downloaded: each is its description, remote only.
      for (long lsn : imageLsns) {
        assertTrue(Files.exists(imageDir(MAIN, lsn).resolve(ImageStore.REMOTE_ONLY)), "remote only: " + Lsn.format(lsn));
        assertFalse(Files.exists(imageDir(MAIN, lsn).resolve("pgdata")), "no files of " + Lsn.format(lsn));
      }
      assertEquals(0.0, imageBytesDownloaded());
      assertEquals(0.0, counter("argon_pageserver_layer_cache_misses_total"));
      double getsBefore = remoteGets();
      // Two basebackups at once share each image's download: as many downloads as images now on disk.
      Future<Long> first = bench.basebackups().fetch(bench.pageserverAddress(), TENANT, MAIN, 0, bench.path("bb-1"));
      Future<Long> second = bench.basebackups().fetch(bench.pageserverAddress(), TENANT, MAIN, 0, bench.path("bb-2"));
      Future.all(first, second).await();
      long local = imageLsns.stream().filter(lsn -> !Files.exists(imageDir(MAIN, lsn).resolve(ImageStore.REMOTE_ONLY)))
          .count();
      assertTrue(local >= 1, "the chain is on disk now");
      assertEquals(local, bench.registry().get("argon_pageserver_layer_cache_download_seconds").timer().count());
      assertEquals(checksumC, bench.checksumOf(MAIN, 0));
      assertTrue(imageBytesDownloaded() > 0, "the basebackup downloaded its image chain");
      assertTrue(counter("argon_pageserver_layer_cache_misses_total") >= 1);
      assertTrue(remoteGets() > getsBefore);
      assertEquals(checksumA, bench.checksumOf(MAIN, afterA));
      assertEquals(checksumA, bench.checksumOf(BRANCH, 0));
      assertTrue(bench.registry().get("argon_pageserver_remote_downloaded_bytes_total").tag("kind", "wal").counter()
          .count() >= 2.0 * WalSegments.SEGMENT_SIZE);
    }
  }

  @Test
  void aLayerCacheSmallerThanTheImagesEvictsUploadedOnesAndABasebackupDownloadsThemAgain() throws Exception {
    long limit = 1 << 20; // far below the first (full) image
    try (TestS3Server s3 = new TestS3Server(bench.path("s3"))) {
      List<SafekeeperRef> safekeepers = bench.deploySafekeepers(0);
      PageserverConfig config = PageserverConfig.defaults(bench.path("pageserver"), 0).withRedo(1 << 20, 1, 500)
          .withRemoteStorage(s3.config("argon", "cache")).withLayerCacheBytes(limit);
      bench.deployPageserver(config);
      PageserverTimelineInfo main = bench.request(BusAddresses.PAGESERVER_CREATE_TIMELINE,
          PageserverCreateTimeline.root(TENANT, MAIN, TestCompute.USER, TestCompute.PASSWORD),
          PageserverTimelineInfo.class);
      TestCompute primary = bench.startCompute(MAIN, 0);
      bench.streamToSafekeepers(primary, main.startLsn(), safekeepers);
      bench.request(BusAddresses.PAGESERVER_FOLLOW_TIMELINE, new PageserverFollowTimeline(TENANT, MAIN, safekeepers),
          PageserverTimelineInfo.class);
      primary.execute("CREATE TABLE t(key int primary key, value text)");
      primary.execute("INSERT INTO t SELECT g, repeat('x', 100) || g FROM generate_series(1, 20000) g");
      primary.execute("CHECKPOINT");
      long afterInsert = Lsn.parse(primary.queryString("SELECT pg_current_wal_insert_lsn()::text"));
      String checksum = primary.checksum();
      bench.awaitIngested(MAIN, afterInsert);
      long deadline = System.currentTimeMillis() + TIMEOUT;
      while (bench.info(MAIN).imageLsns().size() < 2) {
        assertTrue(System.currentTimeMillis() < deadline, "a delta image is made");
        Thread.sleep(50);
      }
      awaitAllImagesUploaded(MAIN);
      long full = bench.info(MAIN).imageLsns().get(0);

      // Uploaded images beyond the limit go back to remote only, least recently used first; what stays on disk is
      // within the limit but for images not uploaded yet (nothing is pinned now).
      deadline = System.currentTimeMillis() + TIMEOUT;
      while (counter("argon_pageserver_layer_cache_evictions_total") == 0
          || Files.exists(imageDir(MAIN, full).resolve("pgdata")) || localImageBytes(true) > limit) {
        assertTrue(System.currentTimeMillis() < deadline, "images are evicted down to the limit");
        Thread.sleep(50);
      }
      assertTrue(Files.exists(imageDir(MAIN, full).resolve(ImageStore.REMOTE_ONLY)), "the full image is remote only");
      assertTrue(Files.exists(imageDir(MAIN, full).resolve("image.json")), "its description stays");
      double evictions = counter("argon_pageserver_layer_cache_evictions_total");
      double downloaded = imageBytesDownloaded();

      // A basebackup downloads the evicted chain again and returns the same rows; afterwards it is evicted again.
      assertEquals(checksum, bench.checksumOf(MAIN, afterInsert));
      assertTrue(imageBytesDownloaded() > downloaded, "downloaded again");
      assertTrue(counter("argon_pageserver_layer_cache_misses_total") >= 1);
      deadline = System.currentTimeMillis() + TIMEOUT;
      while (counter("argon_pageserver_layer_cache_evictions_total") <= evictions || localImageBytes(true) > limit) {
        assertTrue(System.currentTimeMillis() < deadline, "evicted again once the basebackup is done");
        Thread.sleep(50);
      }
      assertEquals(checksum, bench.checksumOf(MAIN, afterInsert));
      assertTrue(bench.registry().get("argon_pageserver_layer_cache_limit_bytes").gauge().value() == limit);
    }
  }

  @Test
  void aCorruptImageLayerIsRefusedWhenReadAndACorruptWalLayerRefusesItsTimeline() throws Exception {
    Path remoteDir = bench.path("remote");
    List<SafekeeperRef> safekeepers = bench.deploySafekeepers(0);
    PageserverConfig config = PageserverConfig.defaults(bench.path("pageserver"), 0)
        .withRemoteStorage(new RemoteStorageConfig.Directory(remoteDir));
    bench.deployPageserver(config);
    PageserverTimelineInfo main = bench.request(BusAddresses.PAGESERVER_CREATE_TIMELINE,
        PageserverCreateTimeline.root(TENANT, MAIN, TestCompute.USER, TestCompute.PASSWORD),
        PageserverTimelineInfo.class);
    TestCompute primary = bench.startCompute(MAIN, 0);
    bench.streamToSafekeepers(primary, main.startLsn(), safekeepers);
    bench.request(BusAddresses.PAGESERVER_FOLLOW_TIMELINE, new PageserverFollowTimeline(TENANT, MAIN, safekeepers),
        PageserverTimelineInfo.class);
    primary.execute("CREATE TABLE t(key int primary key, value text)");
    long switched = StorageBench.switchWal(primary);
    primary.execute("INSERT INTO t VALUES (1, 'one')");
    awaitRemote(MAIN, lsn -> Lsn.compare(lsn, switched) >= 0, "a whole segment is uploaded");

    // A deleted timeline's remote index goes too: a rebuild does not bring it back.
    bench.request(BusAddresses.PAGESERVER_CREATE_TIMELINE, PageserverCreateTimeline.branch(TENANT, BRANCH, MAIN, switched),
        PageserverTimelineInfo.class);
    Path branchIndex = remoteDir.resolve(RemoteKeys.index(TENANT, BRANCH));
    awaitFile(branchIndex, true);
    bench.request(BusAddresses.PAGESERVER_DELETE_TIMELINE, new PageserverDeleteTimeline(TENANT, BRANCH),
        PageserverTimelineInfo.class);
    awaitFile(branchIndex, false);
    bench.stopPageserver();

    // One byte of the uploaded image layer flips: the rebuilt pageserver lists the timeline (images are fetched
    // when read), but its basebackup fails naming the layer, installs nothing, and the next request tries again.
    RemoteIndex index = uploaded(remoteDir, MAIN);
    RemoteLayer imageLayer = index.images().get(0);
    flipByte(remoteDir.resolve(RemoteKeys.timelinePrefix(TENANT, MAIN) + imageLayer.name()), imageLayer.size() / 2);
    PgFiles.deleteRecursively(bench.path("pageserver"));
    bench.deployPageserver(config);
    assertEquals(MAIN, bench.info(MAIN).timelineId(), "listed");
    for (int attempt = 1; attempt <= 2; attempt++) {
      Path target = bench.path("refused-" + attempt);
      Exception refused = assertThrows(Exception.class, () -> bench.basebackups().fetch(bench.pageserverAddress(),
          TENANT, MAIN, 0, target).await());
      assertTrue(refused.getMessage().contains(imageLayer.name()) && refused.getMessage().contains("corrupt")
          && refused.getMessage().contains(imageLayer.sha256()), "refused: " + refused.getMessage());
      assertEquals(attempt, counter("argon_pageserver_layer_cache_download_errors_total"), "tried again");
      Path image = imageDir(MAIN, imageLayer.endLsn());
      assertTrue(Files.exists(image.resolve(ImageStore.REMOTE_ONLY)), "still remote only");
      assertFalse(Files.exists(image.resolve("pgdata")), "nothing of the corrupt layer installed");
    }
    bench.stopPageserver();

    // One byte of the uploaded WAL segment flips: a rebuild refuses the timeline (WAL is needed to index it).
    String walName = index.wal().get(0).name();
    flipByte(remoteDir.resolve(RemoteKeys.timelinePrefix(TENANT, MAIN) + walName), WalSegments.SEGMENT_SIZE / 2);
    PgFiles.deleteRecursively(bench.path("pageserver"));
    bench.deployPageserver(config);
    ReplyException unknown = assertThrows(ReplyException.class, () -> bench.info(MAIN));
    assertEquals(BusErrors.NOT_FOUND, unknown.failureCode());
    assertFalse(Files.exists(bench.pageserver().timelines().directoryOf(TENANT, MAIN)), "nothing of it is left");

    // The refusal names the layer and the checksums; an unreadable index refuses its own timeline only.
    String other = "33333333333333333333333333333333";
    Files.createDirectories(remoteDir.resolve(RemoteKeys.index(TENANT, other)).getParent());
    Files.writeString(remoteDir.resolve(RemoteKeys.index(TENANT, other)), "not json");
    RemoteMetrics metrics = new RemoteMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    RemoteStorage storage = RemoteStorages.open(bench.vertx(), new RemoteStorageConfig.Directory(remoteDir), metrics)
        .await();
    RemoteRestore.Result result = new RemoteRestore(bench.vertx(), storage, metrics, new Timelines(bench.path("again")),
        bench.path("again-staging")).restoreMissing().await();
    assertEquals(List.of(), result.restored());
    String reason = result.refused().get(TENANT + "/" + MAIN);
    assertTrue(reason != null && reason.contains(walName) && reason.contains("corrupt")
        && reason.contains(index.wal().get(0).sha256()), "refused: " + reason);
    assertTrue(result.refused().get(TENANT + "/" + other).contains("unreadable"), result.refused().toString());
  }

  private static void flipByte(Path file, long at) throws Exception {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(at);
      int b = raf.read();
      raf.seek(at);
      raf.write(b ^ 0x40);
    }
  }

  private Path imageDir(String timeline, long lsn) {
    return bench.pageserver().timelines().directoryOf(TENANT, timeline).resolve("images")
        .resolve(String.format("%016X", lsn));
  }

  /**
   * Bytes on disk of the main timeline's local images: with {@code uploadedOnly}, only those whose layer the
   * remote index lists (remote.json), i.e. the evictable ones.
   */
  private long localImageBytes(boolean uploadedOnly) throws Exception {
    long sum = 0;
    for (long lsn : bench.info(MAIN).imageLsns()) {
      Path dir = imageDir(MAIN, lsn);
      if (uploadedOnly && !Files.exists(dir.resolve("remote.json"))) {
        continue;
      }
      try (var walk = Files.walk(dir)) {
        for (Path p : walk.filter(Files::isRegularFile).toList()) {
          sum += Files.size(p);
        }
      } catch (java.io.UncheckedIOException | java.nio.file.NoSuchFileException moving) {
        return Long.MAX_VALUE; // an eviction or download is moving files right now: measure again
      }
    }
    return sum;
  }

  private double counter(String name) {
    var counter = bench.registry().find(name).counter();
    return counter == null ? 0 : counter.count();
  }

  private double imageBytesDownloaded() {
    var counter = bench.registry().find("argon_pageserver_remote_downloaded_bytes_total").tag("kind", "image")
        .counter();
    return counter == null ? 0 : counter.count();
  }

  /** Remote GETs (downloads) the pageserver made. */
  private double remoteGets() {
    var timer = bench.registry().find("argon_pageserver_remote_operation_seconds").tag("op", "get").timer();
    return timer == null ? 0 : timer.count();
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

  private RemoteIndex uploaded(String timeline) {
    return bench.pageserver().uploads().uploadedIndex(TENANT, timeline);
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
    while (uploaded(timeline).images().size() < bench.info(timeline).imageLsns().size()) {
      assertTrue(System.currentTimeMillis() < deadline, "every image is uploaded");
      Thread.sleep(50);
    }
  }

}
