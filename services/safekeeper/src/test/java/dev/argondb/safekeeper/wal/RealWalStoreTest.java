package dev.argondb.safekeeper.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.argondb.pgruntime.testing.TestPostgres;
import dev.argondb.pgformat.Lsn;
import dev.argondb.pgformat.WalRecord;
import dev.argondb.pgformat.WalRecordDecoder;
import dev.argondb.pgformat.WalSegments;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** WAL written by a real Postgres 17, stored through the writer, then recovered by scanning. */
@ExtendWith(VertxExtension.class)
class RealWalStoreTest {
  private static long walStart;
  private static long walEnd;
  /** pg_wal's bytes in [walStart, walEnd). */
  private static byte[] wal;

  @TempDir
  Path dataDir;

  @BeforeAll
  static void captureWal() throws Exception {
    try (TestPostgres pg = TestPostgres.start();
         Connection c = DriverManager.getConnection(pg.jdbcUrl(), TestPostgres.USER, TestPostgres.PASSWORD);
         Statement s = c.createStatement()) {
      s.execute("ALTER SYSTEM SET wal_keep_size = '1GB'");
      s.execute("SELECT pg_reload_conf()");
      // Enough WAL to cross into the next segment, then some small transactions.
      s.execute("CREATE TABLE big AS SELECT g, md5(g::text) AS v FROM generate_series(1, 150000) g");
      for (int i = 0; i < 10; i++) {
        s.execute("INSERT INTO big VALUES (" + i + ", 'tail')");
      }
      var rs = s.executeQuery("SELECT pg_current_wal_lsn()");
      rs.next();
      walEnd = Lsn.parse(rs.getString(1)); // idle: what was written ends at a record boundary
      Path pgWal = pg.process().dataDir().resolve("pg_wal");
      long firstSeg = Long.MAX_VALUE;
      try (var files = Files.list(pgWal)) {
        for (Path f : files.toList()) {
          String name = f.getFileName().toString();
          if (WalSegments.isSegmentFileName(name)) {
            firstSeg = Math.min(firstSeg, WalSegments.parseFileName(name).segmentNumber());
          }
        }
      }
      walStart = WalSegments.segmentStart(firstSeg);
      wal = new byte[(int) (walEnd - walStart)];
      for (long seg = firstSeg; WalSegments.segmentStart(seg) < walEnd; seg++) {
        byte[] content = Files.readAllBytes(pgWal.resolve(WalSegments.fileName(seg)));
        int at = (int) (WalSegments.segmentStart(seg) - walStart);
        System.arraycopy(content, 0, wal, at, Math.min(content.length, wal.length - at));
      }
    }
    assertTrue(WalSegments.segmentNumber(walEnd) > WalSegments.segmentNumber(walStart), "WAL spans two segments");
  }

  private WalSegmentStore store(String timeline) {
    return new WalSegmentStore(TimelineDirectory.of(dataDir, TimelineControlFileTest.TENANT, timeline));
  }

  @Test
  void walFedThroughTheWriterEndsWherePostgresSaid(Vertx vertx) throws Exception {
    Context context = vertx.getOrCreateContext();
    try (WalSegmentStore store = store(TimelineControlFileTest.TIMELINE)) {
      CompletableFuture<List<Future<Long>>> appended = new CompletableFuture<>();
      CompletableFuture<WalWriter> writerRef = new CompletableFuture<>();
      context.runOnContext(v -> {
        WalWriter writer = new WalWriter(context, store, walStart);
        writerRef.complete(writer);
        Random random = new Random(11);
        List<Future<Long>> acks = new ArrayList<>();
        int at = 0;
        while (at < wal.length) {
          int n = Math.min(wal.length - at, 1 + random.nextInt(256 * 1024));
          acks.add(writer.append(walStart + at, Buffer.buffer(Arrays.copyOfRange(wal, at, at + n))));
          at += n;
        }
        appended.complete(acks);
      });
      Future.all(appended.get(10, TimeUnit.SECONDS)).await(30, TimeUnit.SECONDS);
      WalWriter writer = writerRef.get();
      assertEquals(walEnd, writer.flushLsn());
      assertTrue(writer.fsyncs() < appended.get().size(), "appends were grouped into fewer fsyncs");
      assertArrayEquals(wal, store.read(walStart, walEnd).array());
      assertEquals(walEnd, store.findEnd(walStart));
    }
  }

  @Test
  void tornTailIsCutBackToTheLastCompleteRecord() throws Exception {
    List<WalRecord> records = new ArrayList<>();
    WalRecordDecoder.atPageStart(walStart).feed(walStart, ByteBuffer.wrap(wal), records::add);
    assertEquals(walEnd, records.get(records.size() - 1).endLsn());
    WalRecord previous = records.get(records.size() - 4);
    WalRecord torn = records.get(records.size() - 3);
    long half = torn.startLsn() + (torn.endLsn() - torn.startLsn()) / 2;
    try (WalSegmentStore store = store("00000000000000000000000000000002")) {
      store.write(walStart, ByteBuffer.wrap(wal, 0, (int) (half - walStart)));
      store.sync();
      long end = store.findEnd(walStart);
      assertEquals(previous.endLsn(), end);
      store.truncateAfter(end);
      assertTrue(WalSegmentStoreTest.allZero(store.read(end, half).array()));
      assertEquals(end, store.findEnd(walStart));
      // A scan may also start at any record boundary, here the last one kept.
      assertEquals(end, store.findEnd(previous.startLsn()));
    }
  }
}
