package dev.argondb.safekeeper.timeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.argondb.bus.TermStart;
import dev.argondb.pgruntime.testing.TestPostgres;
import dev.argondb.pgformat.Lsn;
import dev.argondb.pgformat.WalRecordDecoder;
import dev.argondb.pgformat.WalSegments;
import dev.argondb.safekeeper.SafekeeperConfig;
import dev.argondb.safekeeper.SafekeeperMetrics;
import dev.argondb.safekeeper.wal.TimelineControl;
import dev.argondb.safekeeper.wal.TimelineControlFile;
import dev.argondb.safekeeper.wal.TimelineDirectory;
import dev.argondb.safekeeper.wal.WalSegmentStore;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A safekeeper that crashed in the middle of writing a record comes back with that record cut. */
class TornTailRecoveryTest {
  private static final String TENANT = "0123456789abcdef0123456789abcdef";
  private static final String TIMELINE = "fedcba9876543210fedcba9876543210";

  @TempDir
  Path dataDir;

  @Test
  void loadingCutsAHalfWrittenRecordBackToTheLastCompleteOne() throws Exception {
    long start;
    long end;
    byte[] wal;
    try (TestPostgres pg = TestPostgres.start();
         Connection c = DriverManager.getConnection(pg.jdbcUrl(), TestPostgres.USER, TestPostgres.PASSWORD);
         Statement s = c.createStatement()) {
      start = lsn(s, "SELECT pg_current_wal_insert_lsn()");
      s.execute("CREATE TABLE t(v text)");
      for (int i = 0; i < 20; i++) {
        s.execute("INSERT INTO t VALUES (repeat('x', 300))");
      }
      end = lsn(s, "SELECT pg_current_wal_lsn()");
      assertEquals(WalSegments.segmentNumber(start), WalSegments.segmentNumber(end), "one segment keeps the test small");
      byte[] segment = Files.readAllBytes(pg.process().dataDir().resolve("pg_wal")
          .resolve(WalSegments.fileName(WalSegments.segmentNumber(start))));
      wal = new byte[(int) (end - start)];
      System.arraycopy(segment, WalSegments.segmentOffset(start), wal, 0, wal.length);
    }
    // The crash: the last record's final bytes never reached the disk.
    int torn = wal.length - 20; // every record is at least 24 bytes: this tears the last one
    WalRecordDecoder decoder = WalRecordDecoder.atRecordBoundary(start);
    decoder.feed(start, ByteBuffer.wrap(wal, 0, torn), record -> { });
    long lastComplete = decoder.lastRecordEnd();
    assertTrue(lastComplete < start + torn && lastComplete > start, "the tear is inside the last record: start "
        + Lsn.format(start) + ", torn at " + Lsn.format(start + torn) + ", last complete " + Lsn.format(lastComplete)
        + ", records " + decoder.recordCount() + ", ended " + decoder.endReached());

    TimelineDirectory directory = TimelineDirectory.of(dataDir, TENANT, TIMELINE);
    directory.create();
    try (WalSegmentStore store = new WalSegmentStore(directory)) {
      store.write(start, ByteBuffer.wrap(wal, 0, torn));
      store.sync();
    }
    TimelineControlFile.of(directory).store(new TimelineControl(1, List.of(new TermStart(1, start)), start, start,
        null, start));

    Vertx vertx = Vertx.vertx();
    try {
      TimelineRegistry registry = new TimelineRegistry(new SafekeeperConfig("sk1", dataDir, "127.0.0.1", 0, 2));
      SafekeeperMetrics metrics = new SafekeeperMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), "sk1");
      var context = vertx.getOrCreateContext();
      assertEquals(1, registry.loadAll(context, metrics));
      SafekeeperTimeline timeline = registry.get(new TimelineKey(TENANT, TIMELINE));
      assertEquals(Lsn.format(lastComplete), Lsn.format(timeline.recordFlushLsn), "flush recovered at the last complete record");
      assertEquals(lastComplete, timeline.writer.flushLsn());
      ByteBuffer after = timeline.store.read(lastComplete, start + torn);
      while (after.hasRemaining()) {
        assertEquals(0, after.get(), "the torn tail is zeroed");
      }
    } finally {
      vertx.close().await();
    }
  }

  private static long lsn(Statement s, String query) throws Exception {
    try (ResultSet rs = s.executeQuery(query + "::text")) {
      rs.next();
      return Lsn.parse(rs.getString(1));
    }
  }
}
