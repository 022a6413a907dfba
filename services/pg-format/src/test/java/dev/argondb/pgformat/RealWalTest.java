package dev.argondb.pgformat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.argondb.pgruntime.testing.TestPostgres;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Decodes WAL that a real Postgres 17 wrote while the test ran known SQL, then checks the decoder
 * against what the server itself reported (LSNs, checkpoint, relfilenode), and that damaged copies
 * of that WAL fail where they were damaged.
 */
class RealWalTest {
  private static final int SMALL_COMMITS = 40;

  private static TestPostgres pg;
  private static final List<Long> knownBoundaries = new ArrayList<>();
  private static Instant commitsStarted;
  private static Instant commitsEnded;
  private static long checkpointLsn;
  private static long checkpointRedo;
  private static RelFileLocator table;
  private static long switchLsn;
  /** Segment number -> contents of pg_wal after a clean stop. */
  private static final TreeMap<Long, byte[]> segments = new TreeMap<>();
  private static ControlFile control;
  private static List<WalRecord> records;

  @BeforeAll
  static void writeWal() throws Exception {
    pg = TestPostgres.start();
    try (Connection c = PgTestServer.connect(pg.port())) {
      // Keep every segment (no recycling into future names) so the whole history can be decoded.
      PgTestServer.execute(c, "ALTER SYSTEM SET wal_keep_size = '1GB'");
      PgTestServer.query(c, "SELECT pg_reload_conf()");
      PgTestServer.execute(c, "CREATE TABLE t (id int, v text)");
      PgTestServer.execute(c, "ALTER TABLE t ALTER COLUMN v SET STORAGE PLAIN");
      knownBoundaries.add(lsn(c));
      // Rows of ~7 kB, stored inline: their insert records cross page boundaries.
      for (int i = 0; i < 3; i++) {
        PgTestServer.execute(c, "INSERT INTO t SELECT " + i + ", string_agg(md5(g::text), '') FROM generate_series(1, 220) g");
        knownBoundaries.add(lsn(c));
      }
      // One record of ~30 kB: spans several pages.
      PgTestServer.query(c, "SELECT pg_logical_emit_message(true, 'argon', repeat('m', 30000))");
      knownBoundaries.add(lsn(c));
      commitsStarted = Instant.now();
      for (int i = 0; i < SMALL_COMMITS; i++) {
        PgTestServer.execute(c, "INSERT INTO t VALUES (" + (100 + i) + ", 'small')");
        knownBoundaries.add(lsn(c));
      }
      commitsEnded = Instant.now();
      PgTestServer.execute(c, "CHECKPOINT");
      checkpointLsn = Lsn.parse(PgTestServer.query(c, "SELECT checkpoint_lsn FROM pg_control_checkpoint()"));
      checkpointRedo = Lsn.parse(PgTestServer.query(c, "SELECT redo_lsn FROM pg_control_checkpoint()"));
      table = new RelFileLocator(1663, Long.parseLong(PgTestServer.query(c,
          "SELECT oid FROM pg_database WHERE datname = current_database()")),
          Long.parseLong(PgTestServer.query(c, "SELECT pg_relation_filenode('t')")));
      PgTestServer.execute(c, "UPDATE t SET v = 'after checkpoint' WHERE id = 100"); // a full-page image
      switchLsn = Lsn.parse(PgTestServer.query(c, "SELECT pg_switch_wal()"));
      PgTestServer.execute(c, "INSERT INTO t VALUES (1000, 'next segment')");
      knownBoundaries.add(lsn(c));
    }
    PgTestServer.stopCleanly(pg.process());
    Path dataDir = pg.process().dataDir();
    control = ControlFile.read(dataDir.resolve("global/pg_control"));
    try (var files = Files.list(dataDir.resolve("pg_wal"))) {
      for (Path f : files.toList()) {
        String name = f.getFileName().toString();
        if (WalSegments.isSegmentFileName(name)) {
          segments.put(WalSegments.parseFileName(name).segmentNumber(), Files.readAllBytes(f));
        }
      }
    }
    records = decode(wal(), WalRecordDecoder.atPageStart(firstLsn()).retainBytes(WalRecordDecoder.ALL), 65_536,
        new Random(7));
  }

  @AfterAll
  static void cleanUp() throws Exception {
    if (pg != null) {
      pg.close();
    }
  }

  private static long lsn(Connection c) throws Exception {
    return Lsn.parse(PgTestServer.query(c, "SELECT pg_current_wal_lsn()"));
  }

  private static long firstLsn() {
    return WalSegments.segmentStart(segments.firstKey());
  }

  /** The consecutive segments from the first one, as one buffer. */
  private static byte[] wal() {
    int n = 0;
    long expected = segments.firstKey();
    for (long segNo : segments.keySet()) {
      if (segNo != expected++) {
        break;
      }
      n++;
    }
    byte[] all = new byte[n * WalSegments.SEGMENT_SIZE];
    int i = 0;
    for (byte[] seg : segments.values()) {
      if (i == n) {
        break;
      }
      System.arraycopy(seg, 0, all, i++ * WalSegments.SEGMENT_SIZE, WalSegments.SEGMENT_SIZE);
    }
    return all;
  }

  /** Feeds {@code wal} in chunks of random size up to {@code maxChunk} until the end of WAL. */
  static List<WalRecord> decode(byte[] wal, WalRecordDecoder decoder, int maxChunk, Random random) {
    List<WalRecord> out = new ArrayList<>();
    Consumer<WalRecord> sink = out::add;
    long base = decoder.nextLsn();
    int at = 0;
    while (at < wal.length && !decoder.endReached()) {
      int n = Math.min(wal.length - at, 1 + random.nextInt(maxChunk));
      decoder.feed(base + at, ByteBuffer.wrap(wal, at, n), sink);
      at += n;
    }
    return out;
  }

  @Test
  void lsnsReportedByPostgresAreRecordEnds() {
    Set<Long> ends = new HashSet<>();
    for (WalRecord r : records) {
      ends.add(r.endLsn());
    }
    for (long known : knownBoundaries) {
      assertTrue(ends.contains(known), "no record ends at " + Lsn.format(known));
    }
    for (int i = 1; i < records.size(); i++) {
      WalRecord prev = records.get(i - 1);
      WalRecord r = records.get(i);
      assertEquals(prev.startLsn(), r.header().prev(), "prev-link of " + r);
      long next = Lsn.isPageBoundary(prev.endLsn())
          ? prev.endLsn() + XLogPageHeader.sizeAt(prev.endLsn()) : prev.endLsn();
      assertEquals(next, r.startLsn(), "record after " + prev);
    }
  }

  @Test
  void recordsCrossPagesAndTheSwitchMovesToTheNextSegment() {
    assertTrue(records.stream().anyMatch(r -> r.totalLength() > 3 * Lsn.PAGE_SIZE), "a record over 3 pages");
    assertTrue(records.stream().anyMatch(r -> r.totalLength() < Lsn.PAGE_SIZE
        && Lsn.pageStart(r.startLsn()) != Lsn.pageStart(r.endLsn() - 1)), "a small record crossing a page");
    WalRecord switchRecord = records.stream().filter(r -> RmgrIds.isSwitch(r.header())).findFirst().orElseThrow();
    assertTrue(Lsn.compare(switchRecord.startLsn(), switchLsn) < 0);
    assertTrue(WalSegments.isSegmentBoundary(switchRecord.endLsn()));
  }

  @Test
  void commitsCarryTheirTimestamps() {
    List<XactRecord> commits = new ArrayList<>();
    for (WalRecord r : records) {
      XactRecord.from(r.decode()).filter(x -> x.kind() == XactRecord.Kind.COMMIT).ifPresent(commits::add);
    }
    long inWindow = commits.stream().filter(x -> !x.time().isBefore(commitsStarted.minusSeconds(1))
        && !x.time().isAfter(commitsEnded.plusSeconds(1))).count();
    assertTrue(inWindow >= SMALL_COMMITS, inWindow + " commits within the test's window");
  }

  @Test
  void checkpointsMatchPgControl() {
    List<CheckpointRecord> checkpoints = new ArrayList<>();
    for (WalRecord r : records) {
      CheckpointRecord.from(r.decode()).ifPresent(checkpoints::add);
    }
    CheckpointRecord online = checkpoints.stream().filter(cp -> cp.lsn() == checkpointLsn).findFirst().orElseThrow();
    assertEquals(checkpointRedo, online.redoLsn());
    assertFalse(online.shutdown());
    assertEquals(1, online.timelineId());
    // The clean stop wrote a shutdown checkpoint last; pg_control points at it.
    CheckpointRecord last = checkpoints.get(checkpoints.size() - 1);
    assertTrue(last.shutdown());
    assertEquals(records.get(records.size() - 1).startLsn(), last.lsn());
    assertEquals(last.lsn(), control.checkPoint());
    assertEquals(last.redoLsn(), control.redo());
    assertEquals(DbState.SHUTDOWNED, control.state());
  }

  @Test
  void blockReferencesNameTheTable() {
    boolean heapTouch = false;
    boolean image = false;
    for (WalRecord r : records) {
      if (r.rmid() != RmgrIds.HEAP) {
        continue;
      }
      for (BlockRef b : r.decode().blocks()) {
        if (b.relation().equals(table) && b.fork() == 0) {
          heapTouch = true;
          image |= b.hasImage() && b.appliesImage();
        }
      }
    }
    assertTrue(heapTouch, "heap records reference " + table);
    assertTrue(image, "the update after the checkpoint logged a full-page image of " + table);
  }

  @Test
  void chunkingDoesNotMatter() {
    byte[] head = java.util.Arrays.copyOf(wal(), 512 * 1024);
    List<WalRecord> byteByByte = decode(head, WalRecordDecoder.atPageStart(firstLsn()), 1, new Random(1));
    List<WalRecord> whole = decode(head, WalRecordDecoder.atPageStart(firstLsn()), head.length, new Random(1));
    assertEquals(whole.size(), byteByByte.size());
    for (int i = 0; i < whole.size(); i++) {
      assertEquals(whole.get(i).endLsn(), byteByByte.get(i).endLsn());
    }
    assertEquals(records.get(whole.size() - 1).endLsn(), whole.get(whole.size() - 1).endLsn());
  }

  @Test
  void startsAtAnyRecordBoundary() {
    byte[] wal = wal();
    WalRecord from = records.get(records.size() / 2);
    int off = (int) (from.startLsn() - firstLsn());
    List<WalRecord> tail = decode(java.util.Arrays.copyOfRange(wal, off, wal.length),
        WalRecordDecoder.atRecordBoundary(from.startLsn()), 10_000, new Random(3));
    assertEquals(records.subList(records.size() / 2, records.size()).stream().map(WalRecord::endLsn).toList(),
        tail.stream().map(WalRecord::endLsn).toList());
  }

  @Test
  void startsAtAPageThatBeginsWithAContinuation() {
    byte[] wal = wal();
    WalRecord big = records.stream().filter(r -> r.totalLength() > 3 * Lsn.PAGE_SIZE).findFirst().orElseThrow();
    long page = Lsn.pageStart(big.startLsn()) + Lsn.PAGE_SIZE; // continuation of the big record
    int off = (int) (page - firstLsn());
    List<WalRecord> tail = decode(java.util.Arrays.copyOfRange(wal, off, wal.length),
        WalRecordDecoder.atPageStart(page), 10_000, new Random(6));
    List<Long> expected = records.stream().filter(r -> Lsn.compare(r.startLsn(), big.startLsn()) > 0)
        .map(WalRecord::endLsn).toList();
    assertEquals(expected, tail.stream().map(WalRecord::endLsn).toList());
    // The strict start refuses that page: it does not begin at a record boundary.
    assertThrows(WalFormatException.class, () -> decode(java.util.Arrays.copyOfRange(wal, off, wal.length),
        WalRecordDecoder.atRecordBoundary(page), 10_000, new Random(6)));
  }

  @Test
  void flippedByteIsACrcErrorAtThatRecord() {
    WalRecord victim = records.stream().filter(r -> r.totalLength() > 100
        && Lsn.pageStart(r.startLsn()) == Lsn.pageStart(r.startLsn() + 100)).skip(10).findFirst().orElseThrow();
    byte[] wal = wal();
    wal[(int) (victim.startLsn() - firstLsn()) + 60] ^= 0x40;
    var e = assertThrows(WalFormatException.class,
        () -> decode(wal, WalRecordDecoder.atPageStart(firstLsn()), 100_000, new Random(2)));
    assertEquals(victim.startLsn(), e.lsn());
    assertTrue(e.getMessage().contains("CRC"), e.getMessage());
  }

  @Test
  void zeroedTailIsACleanEnd() {
    WalRecord last = records.get(records.size() / 3);
    byte[] wal = wal();
    java.util.Arrays.fill(wal, (int) (last.endLsn() - firstLsn()), wal.length, (byte) 0);
    WalRecordDecoder decoder = WalRecordDecoder.atPageStart(firstLsn());
    List<WalRecord> got = decode(wal, decoder, 100_000, new Random(4));
    assertTrue(decoder.endReached());
    assertEquals(last.endLsn(), decoder.lastRecordEnd());
    assertEquals(records.size() / 3 + 1, got.size());
  }

  @Test
  void damagedPageHeadersAndLengthsAreReported() {
    long page = firstLsn() + 5 * Lsn.PAGE_SIZE;
    int off = (int) (page - firstLsn());
    byte[] badMagic = wal();
    badMagic[off] ^= 1;
    assertFailsAt(badMagic, page, "magic");

    byte[] badAddress = wal();
    badAddress[off + 9] ^= 1; // xlp_pageaddr
    assertFailsAt(badAddress, page, "claims");

    WalRecord crossing = records.stream().filter(r -> Lsn.pageStart(r.startLsn()) != Lsn.pageStart(r.endLsn() - 1)
        && !Lsn.isPageBoundary(r.endLsn())).skip(3).findFirst().orElseThrow();
    long contPage = Lsn.pageStart(crossing.endLsn() - 1);
    byte[] noContFlag = wal();
    noContFlag[(int) (contPage - firstLsn()) + 2] &= ~XLogPageHeader.XLP_FIRST_IS_CONTRECORD;
    assertFailsAt(noContFlag, contPage, "XLP_FIRST_IS_CONTRECORD");

    WalRecord victim = records.get(20);
    byte[] shortLength = wal();
    shortLength[(int) (victim.startLsn() - firstLsn())] = 5;
    shortLength[(int) (victim.startLsn() - firstLsn()) + 1] = 0;
    assertFailsAt(shortLength, victim.startLsn(), "invalid record length");
  }

  private static void assertFailsAt(byte[] wal, long lsn, String what) {
    var e = assertThrows(WalFormatException.class,
        () -> decode(wal, WalRecordDecoder.atPageStart(firstLsn()), 100_000, new Random(5)));
    assertEquals(lsn, e.lsn(), e.getMessage());
    assertTrue(e.getMessage().contains(what), e.getMessage());
  }
}
