package dev.argondb.pageserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.argondb.bus.BusAddresses;
import dev.argondb.bus.PageserverCreateTimeline;
import dev.argondb.bus.PageserverFollowTimeline;
import dev.argondb.bus.PageserverTimelineInfo;
import dev.argondb.bus.SafekeeperRef;
import dev.argondb.pgruntime.PgBinaries;
import dev.argondb.pageserver.basebackup.BasebackupPlanner;
import dev.argondb.pageserver.image.Image;
import dev.argondb.pageserver.image.ImageChain;
import dev.argondb.pageserver.image.ImageStore;
import dev.argondb.pageserver.reconstruction.ImageRollForward;
import dev.argondb.pageserver.reconstruction.RedoMetrics;
import dev.argondb.pageserver.timeline.Timeline;
import dev.argondb.pgformat.Lsn;
import dev.argondb.safekeeper.SafekeeperConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Image roll forward end to end, with real Postgres computes streaming to three real safekeepers, the
 * pageserver ingesting their WAL, redo Postgres runs making delta images, and computes started from
 * basebackups through those images: the data is unchanged (ordered checksums of every table), every btree
 * index passes amcheck, dropped and truncated tables stay so, a basebackup between an image's checkpoint and
 * its LSN does not use it, and a delta image is much smaller than the data directory.
 */
class ImageRollForwardEndToEndTest {
  private static final Logger LOG = LoggerFactory.getLogger(ImageRollForwardEndToEndTest.class);
  private static final String TENANT = StorageBench.TENANT;
  private static final String MAIN = StorageBench.MAIN;
  private static final String LATEST_BRANCH = "22222222222222222222222222222222";
  private static final String BETWEEN_BRANCH = "33333333333333333333333333333333";
  private static final List<String> SAFEKEEPERS = StorageBench.SAFEKEEPERS;
  private static final List<String> TABLES = List.of("t", "shrinkme", "truncme");
  private static final long TIMEOUT = 60_000;
  private static final long ONE_MB = 1 << 20;

  private StorageBench bench;

  @BeforeEach
  void setUp() throws Exception {
    bench = StorageBench.open("argon-roll-forward-", TIMEOUT);
  }

  @AfterEach
  void tearDown() throws Exception {
    bench.close();
  }

  @Test
  void rolledForwardImagesKeepTheDataAndBasebackupsBelowAnImageDoNotUseIt() throws Exception {
    // Checked on demand only, so the test decides where each image lands.
    PageserverConfig config = PageserverConfig.defaults(bench.path("pageserver"), 0).withRedo(ONE_MB, 1, 3_600_000);
    TestCompute primary = startPrimary(config);

    primary.execute("CREATE TABLE t(key int primary key, value text, tag int);"
        + "CREATE INDEX t_tag ON t(tag);"
        + "CREATE TABLE dropme(key int primary key, value text);"
        + "CREATE TABLE shrinkme(key int primary key, value text);"
        + "CREATE TABLE truncme(key int primary key, value text);"
        + "INSERT INTO t SELECT g, repeat('v', 80) || g, g % 97 FROM generate_series(1, 20000) g;"
        + "INSERT INTO dropme SELECT g, 'd' || g FROM generate_series(1, 5000) g;"
        + "INSERT INTO shrinkme SELECT g, repeat('s', 100) || g FROM generate_series(1, 5000) g;"
        + "INSERT INTO truncme SELECT g, 't' || g FROM generate_series(1, 5000) g;");
    primary.execute("CHECKPOINT");
    long shrinkBefore = Long.parseLong(primary.queryString("SELECT pg_relation_size('shrinkme')"));
    primary.execute("DROP TABLE dropme");
    primary.execute("DELETE FROM shrinkme WHERE key > 100");
    primary.execute("VACUUM shrinkme");
    primary.execute("TRUNCATE truncme");
    primary.execute("INSERT INTO truncme SELECT g, 'again' || g FROM generate_series(1, 10) g");
    long shrinkAfter = Long.parseLong(primary.queryString("SELECT pg_relation_size('shrinkme')"));
    assertTrue(shrinkAfter < shrinkBefore, "VACUUM truncated shrinkme's file: " + shrinkBefore + " -> " + shrinkAfter);
    primary.execute("CHECKPOINT"); // the new image's checkpoint
    primary.execute("INSERT INTO t SELECT g, 'b' || g, g % 97 FROM generate_series(20001, 20100) g");
    long between = currentLsn(primary);
    Map<String, String> atBetween = checksums(primary);
    primary.execute("INSERT INTO t SELECT g, 'c' || g, g % 97 FROM generate_series(20101, 20200) g");
    Map<String, String> atEnd = checksums(primary);
    bench.awaitIngested(MAIN, currentLsn(primary));

    // A run that fails leaves nothing behind; the next one succeeds.
    Timeline timeline = bench.pageserver().timelines().get(TENANT, MAIN);
    ImageRollForward failing = new ImageRollForward(failingPostgres(), ONE_MB, new RedoMetrics(bench.registry()));
    IOException failure = assertThrows(IOException.class, () -> failing.runIfDue(timeline));
    assertTrue(failure.getMessage().contains("simulated redo failure"), failure.getMessage());
    assertEquals(List.of(bench.info(MAIN).startLsn()), bench.info(MAIN).imageLsns());
    try (var imageDirs = Files.list(timeline.dir().resolve("images"))) {
      assertEquals(1, imageDirs.count(), "no directory of the failed image is left");
    }
    assertFalse(Files.exists(timeline.dir().resolve("redo")), "no scratch directory is left");

    List<Image> made = bench.pageserver().reconstruction().checkNow().await();
    assertEquals(1, made.size(), "one image rolled forward");
    Image first = made.get(0);
    assertTrue(Lsn.compare(first.checkpointLsn(), between) < 0 && Lsn.compare(between, first.lsn()) < 0,
        "the branch point " + Lsn.format(between) + " lies between the image's checkpoint "
            + Lsn.format(first.checkpointLsn()) + " and its LSN " + Lsn.format(first.lsn()));
    assertEquals(List.of(bench.info(MAIN).startLsn(), first.lsn()), bench.info(MAIN).imageLsns());
    assertTrue(bench.pageserver().reconstruction().checkNow().await().isEmpty(), "not due again without new WAL");

    // The newest state through the new image: same data, sound indexes, the dropped table gone.
    assertEquals(first.lsn(), planner().plan(TENANT, MAIN, 0).image().lsn());
    assertSameDataAndSoundIndexes(MAIN, 0, atEnd);
    // Between the image's checkpoint and its LSN the image must not be used: its pages are newer than that.
    assertSameDataAndSoundIndexes(MAIN, between, atBetween);
    assertTrue(Lsn.compare(planner().plan(TENANT, MAIN, between).image().lsn(), first.lsn()) < 0);

    ImageChain firstChain = chainAt(first.lsn());
    long fullBytes = firstChain.materializedBytes();
    long initdbBytes = ImageStore.bytesOnDisk(firstChain.layers().get(1));
    long firstBytes = ImageStore.bytesOnDisk(first);
    LOG.info("Sizes: data directory {} KB, initdb image {} KB, first delta {} KB", fullBytes / 1024,
        initdbBytes / 1024, firstBytes / 1024);
    assertTrue(firstBytes < fullBytes / 2, "the first delta (" + firstBytes + " B) holds the new tables' pages, "
        + "not the whole directory (" + fullBytes + " B)");

    // A second image after a small change: only those pages (plus the non-relation files) are stored.
    primary.execute("UPDATE t SET value = 'updated' WHERE key IN (5, 5000, 15000)");
    primary.execute("CHECKPOINT");
    primary.execute("SELECT pg_logical_emit_message(false, 'pad', repeat('x', 1500000))");
    Map<String, String> atSecond = checksums(primary);
    bench.awaitIngested(MAIN, currentLsn(primary));
    Image second = bench.pageserver().reconstruction().checkNow().await().get(0);
    long secondBytes = ImageStore.bytesOnDisk(second);
    LOG.info("Sizes: second delta {} KB of a {} KB data directory", secondBytes / 1024,
        chainAt(second.lsn()).materializedBytes() / 1024);
    assertTrue(secondBytes < fullBytes / 10, "a small change makes a small delta: " + secondBytes + " B");
    assertEquals(3, chainAt(second.lsn()).layers().size());

    // Across a pageserver restart the chain is read back from disk.
    bench.stopPageserver();
    bench.deployPageserver(config);
    assertEquals(List.of(bench.info(MAIN).startLsn(), first.lsn(), second.lsn()), bench.info(MAIN).imageLsns());
    assertSameDataAndSoundIndexes(MAIN, 0, atSecond);

    // Branches read through their ancestor's images: at or past an image its delta chain, below it an older one.
    long ingested = bench.info(MAIN).lastRecordLsn();
    bench.request(BusAddresses.PAGESERVER_CREATE_TIMELINE, PageserverCreateTimeline.branch(TENANT, LATEST_BRANCH, MAIN,
        ingested), PageserverTimelineInfo.class);
    assertEquals(second.lsn(), planner().plan(TENANT, LATEST_BRANCH, 0).image().lsn());
    assertSameDataAndSoundIndexes(LATEST_BRANCH, 0, atSecond);
    bench.request(BusAddresses.PAGESERVER_CREATE_TIMELINE, PageserverCreateTimeline.branch(TENANT, BETWEEN_BRANCH, MAIN,
        between), PageserverTimelineInfo.class);
    assertTrue(Lsn.compare(planner().plan(TENANT, BETWEEN_BRANCH, 0).image().lsn(), first.lsn()) < 0);
    assertSameDataAndSoundIndexes(BETWEEN_BRANCH, 0, atBetween);
  }

  @Test
  void theVerticleRollsImagesForwardByItself() throws Exception {
    PageserverConfig config = PageserverConfig.defaults(bench.path("pageserver"), 0).withRedo(ONE_MB, 1, 200);
    TestCompute primary = startPrimary(config);
    primary.execute("CREATE TABLE t(key int primary key, value text);"
        + "INSERT INTO t SELECT g, repeat('w', 100) || g FROM generate_series(1, 15000) g");
    primary.execute("CHECKPOINT");
    primary.execute("INSERT INTO t VALUES (0, 'after the checkpoint')");
    Map<String, String> expected = checksums(primary, List.of("t"));
    long end = currentLsn(primary);
    bench.awaitIngested(MAIN, end);
    long deadline = System.currentTimeMillis() + TIMEOUT;
    while (bench.info(MAIN).imageLsns().size() < 2) {
      assertTrue(System.currentTimeMillis() < deadline, "the verticle makes a second image");
      Thread.sleep(100);
    }
    // More WAL may have made another image meanwhile: at least the one seen is counted.
    assertTrue(metric("argon_pageserver_redo_runs_total{outcome=\"success\"}") >= 1, bench.registry().scrape());
    assertTrue(metric("argon_pageserver_redo_seconds_count") >= 1, bench.registry().scrape());
    assertEquals(expected.get("t"), checksumsOf(MAIN, 0, List.of("t")).get("t"));
  }

  /** Binaries whose postgres fails at once, as a redo run that goes wrong. */
  private PgBinaries failingPostgres() throws IOException {
    Path bin = bench.path("failing-bin");
    Files.createDirectories(bin);
    for (String name : List.of("postgres", "initdb")) {
      Path script = bin.resolve(name);
      Files.writeString(script, "#!/bin/sh\necho 'FATAL:  simulated redo failure'\nexit 1\n");
      assertTrue(script.toFile().setExecutable(true, false));
    }
    return PgBinaries.installedAt(bin);
  }

  private double metric(String series) {
    for (String line : bench.registry().scrape().split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim());
      }
    }
    return 0;
  }

  private TestCompute startPrimary(PageserverConfig config) throws Exception {
    List<SafekeeperRef> safekeepers = bench.deploySafekeepers(SafekeeperConfig.DEFAULT_WAL_RETENTION_MARGIN_BYTES);
    bench.deployPageserver(config);
    PageserverTimelineInfo main = bench.request(BusAddresses.PAGESERVER_CREATE_TIMELINE,
        PageserverCreateTimeline.root(TENANT, MAIN, TestCompute.USER, TestCompute.PASSWORD), PageserverTimelineInfo.class);
    TestCompute primary = bench.startCompute(MAIN, 0);
    bench.streamToSafekeepers(primary, main.startLsn(), safekeepers);
    bench.request(BusAddresses.PAGESERVER_FOLLOW_TIMELINE, new PageserverFollowTimeline(TENANT, MAIN, safekeepers),
        PageserverTimelineInfo.class);
    return primary;
  }

  private BasebackupPlanner planner() {
    return new BasebackupPlanner(bench.pageserver().timelines());
  }

  private ImageChain chainAt(long lsn) throws Exception {
    return ImageChain.seenFrom(bench.pageserver().timelines().get(TENANT, MAIN), lsn);
  }

  /** A compute from a basebackup at {@code lsn}: every table's checksum as expected, amcheck passes on every btree. */
  private void assertSameDataAndSoundIndexes(String timeline, long lsn, Map<String, String> expected) throws Exception {
    TestCompute compute = bench.startCompute(timeline, lsn);
    try {
      assertEquals(expected, checksums(compute), "data at " + (lsn == 0 ? "the end" : Lsn.format(lsn)));
      assertNull(compute.queryString("SELECT to_regclass('dropme')::text"), "the dropped table stays dropped");
      compute.execute("CREATE EXTENSION IF NOT EXISTS amcheck");
      try (Connection c = compute.connect(); ResultSet rs = c.createStatement().executeQuery(
          "SELECT c.relname, bt_index_check(c.oid, true) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
              + " JOIN pg_am am ON am.oid = c.relam WHERE am.amname = 'btree' AND c.relpersistence = 'p'")) {
        int checked = 0;
        while (rs.next()) {
          checked++;
        }
        assertTrue(checked > 100, "bt_index_check(heapallindexed) passed on " + checked + " btree indexes");
      }
    } finally {
      bench.stop(compute);
    }
  }

  private Map<String, String> checksumsOf(String timeline, long lsn, List<String> tables) throws Exception {
    TestCompute compute = bench.startCompute(timeline, lsn);
    try {
      return checksums(compute, tables);
    } finally {
      bench.stop(compute);
    }
  }

  private static Map<String, String> checksums(TestCompute compute) throws Exception {
    return checksums(compute, TABLES);
  }

  private static Map<String, String> checksums(TestCompute compute, List<String> tables) throws Exception {
    Map<String, String> sums = new LinkedHashMap<>();
    for (String table : tables) {
      sums.put(table, compute.queryString("SELECT count(*) || ':' || coalesce(md5(string_agg(x::text, ',' ORDER BY"
          + " x::text)), '') FROM " + table + " x"));
    }
    return sums;
  }

  private static long currentLsn(TestCompute compute) throws Exception {
    return Lsn.parse(compute.queryString("SELECT pg_current_wal_insert_lsn()::text"));
  }

}
