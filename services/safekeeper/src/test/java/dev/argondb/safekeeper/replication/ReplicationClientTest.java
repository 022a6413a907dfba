package dev.argondb.safekeeper.replication;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.argondb.pgruntime.PgProcess;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The replication client against a real Postgres 17 primary. The server-stop test runs last. Vert.x runs
 * on the native transport, as in the product, so status updates take the direct path while streaming
 * (the safekeeper tests on the default transport cover the path through Vert.x).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicationClientTest {
  private static Vertx vertx;
  private static ReplicationPostgres pg;
  private static long segmentSize;
  /** An LSN from right after initdb, in a segment that the removed-WAL test recycles. */
  private static long earlyLsn;

  @BeforeAll
  static void startPostgres() throws Exception {
    vertx = Vertx.builder().with(new VertxOptions().setPreferNativeTransport(true)).build();
    assertTrue(vertx.isNativeTransportEnabled(), "native transport: " + vertx.unavailableNativeTransportCause());
    pg = ReplicationPostgres.start();
    segmentSize = Long.parseLong(pg.queryString("SELECT setting FROM pg_settings WHERE name = 'wal_segment_size'"));
    earlyLsn = pg.queryLsn("SELECT pg_current_wal_lsn()");
  }

  @AfterAll
  static void stop() throws Exception {
    if (pg != null) {
      pg.close();
    }
    vertx.close().await();
  }

  @Test
  @Order(1)
  void identifySystemReturnsTheServersSystemId() throws Exception {
    ReplicationConnection conn = await(ReplicationClient.connect(vertx, pg.options("sk1", ReplicationPostgres.REPLICATOR_PASSWORD)));
    try {
      SystemIdentity id = await(conn.identifySystem());
      assertEquals(Long.parseLong(pg.queryString("SELECT system_identifier FROM pg_control_system()")), id.systemId());
      assertEquals(1, id.timeline());
      assertTrue(id.xlogPos() > 0);
      assertNull(id.dbName());
      assertEquals("17", conn.parameters().get("server_version").substring(0, 2));
    } finally {
      await(conn.close());
    }
    assertEquals("closed by owner", await(conn.closed()));
  }

  @Test
  @Order(2)
  void wrongPasswordFailsWithSqlState28P01() {
    Throwable cause = failure(ReplicationClient.connect(vertx, pg.options("sk1", "not-the-password")));
    PgException e = assertInstanceOf(PgException.class, cause);
    assertEquals("28P01", e.sqlState());
    assertEquals("FATAL", e.severity());
  }

  @Test
  @Order(3)
  void streamsFromASlotTheBytesThatAreInPgWal() throws Exception {
    pg.execute("SELECT pg_create_physical_replication_slot('sk1', true)");
    long restart = pg.queryLsn("SELECT restart_lsn FROM pg_replication_slots WHERE slot_name = 'sk1'");
    ReplicationConnection conn = await(ReplicationClient.connect(vertx, pg.options("sk1", ReplicationPostgres.REPLICATOR_PASSWORD)));
    WalCollector wal = new WalCollector() {
      @Override
      public synchronized void onXLogData(long walStart, long walEnd, Buffer data) {
        super.onXLogData(walStart, walEnd, data);
        long end = walStart + data.length();
        conn.sendStatus(end, end, end, false); // as a safekeeper would after its fsync
      }
    };
    try {
      await(conn.startPhysical("sk1", restart, 1, wal));
      pg.execute("CREATE TABLE streamed AS SELECT g AS id, repeat('x', 100) AS pad FROM generate_series(1, 5000) g");
      pg.execute("INSERT INTO streamed SELECT g, 'y' FROM generate_series(1, 1000) g");
      long current = pg.queryLsn("SELECT pg_current_wal_lsn()");
      wal.awaitEnd(current, 10_000);
      assertEquals(restart, wal.start());
      assertEquals(java.util.List.of(), wal.problems());
      pg.execute("CHECKPOINT");
      long end = wal.end();
      assertArrayEquals(WalFiles.read(pg.walDir(), restart, end, segmentSize), wal.range(restart, end),
          "bytes of [" + Lsns.format(restart) + ", " + Lsns.format(end) + ")");
      // The slot follows our flush reports.
      long deadline = System.currentTimeMillis() + 5_000;
      while (pg.queryLsn("SELECT restart_lsn FROM pg_replication_slots WHERE slot_name = 'sk1'") < current) {
        assertTrue(System.currentTimeMillis() < deadline, "slot restart_lsn did not advance");
        Thread.sleep(20);
      }
    } finally {
      await(conn.close());
      dropSlot("sk1");
    }
  }

  @Test
  @Order(4)
  void synchronousCommitWaitsForTheFlushReport() throws Exception {
    pg.execute("CREATE TABLE sync_test (id int)");
    ReplicationConnection conn = await(ReplicationClient.connect(vertx, pg.options("sk1", ReplicationPostgres.REPLICATOR_PASSWORD)));
    WalCollector wal = new WalCollector();
    CompletableFuture<Long> commit = null;
    try {
      long start = await(conn.identifySystem()).xlogPos();
      await(conn.startPhysical(null, start, wal));
      // A standby is a sync candidate only once it reported a valid flush position.
      await(conn.sendStatus(start, start, start, false));
      pg.execute("ALTER SYSTEM SET synchronous_standby_names = 'sk1'");
      pg.execute("SELECT pg_reload_conf()");
      awaitQuery("SELECT sync_state FROM pg_stat_replication WHERE application_name = 'sk1'", "sync");

      long begin = System.nanoTime();
      commit = CompletableFuture.supplyAsync(() -> {
        try (Connection c = pg.jdbc(); Statement s = c.createStatement()) {
          s.execute("INSERT INTO sync_test VALUES (1)");
          return System.nanoTime();
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      awaitQuery("SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'SyncRep'", "1");
      long remaining = 500 - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
      Thread.sleep(Math.max(0, remaining));
      assertFalse(commit.isDone(), "COMMIT returned without a flush report");

      wal.awaitEnd(pg.queryLsn("SELECT pg_current_wal_flush_lsn()"), 5_000);
      long x = wal.end();
      long ackSent = System.nanoTime();
      await(conn.sendStatus(x, x, x, false));
      long committed = commit.get(1, TimeUnit.SECONDS);
      assertTrue(TimeUnit.NANOSECONDS.toMillis(committed - begin) >= 500, "COMMIT was blocked for >= 500 ms");
      assertTrue(TimeUnit.NANOSECONDS.toMillis(committed - ackSent) < 1000, "COMMIT returned within 1 s of the ack");
    } finally {
      pg.execute("ALTER SYSTEM RESET synchronous_standby_names");
      pg.execute("SELECT pg_reload_conf()");
      if (commit != null) {
        commit.get(5, TimeUnit.SECONDS);
      }
      await(conn.close());
    }
  }

  /**
   * A status update sent from a thread that is not the event loop goes straight into the socket and
   * reaches the walsender; closing the connection still ends the walsender (the duplicated descriptor is
   * closed with it, or the server would keep a half-dead standby).
   */
  @Test
  @Order(5)
  void statusFromAnotherThreadGoesStraightIntoTheSocketAndCloseEndsTheWalsender() throws Exception {
    long descriptorsBefore = openDescriptors();
    ReplicationConnection conn = await(ReplicationClient.connect(vertx, pg.options("sk_direct",
        ReplicationPostgres.REPLICATOR_PASSWORD)));
    long start = await(conn.identifySystem()).xlogPos();
    await(conn.startPhysical(null, start, new WalCollector()));
    assertTrue(conn.writesStatusDirectly(), "native transport: status updates should bypass the event loop");
    CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
      assertFalse(Thread.currentThread().getName().startsWith("vert.x-eventloop"));
      conn.sendStatus(start, start, start, false).await();
    });
    sent.get(10, TimeUnit.SECONDS);
    awaitQuery("SELECT flush_lsn::text FROM pg_stat_replication WHERE application_name = 'sk_direct'",
        Lsns.format(start));
    await(conn.close());
    assertFalse(conn.writesStatusDirectly());
    awaitQuery("SELECT count(*) FROM pg_stat_replication WHERE application_name = 'sk_direct'", "0");
    // Both descriptors of the socket (Netty's and the duplicate) are closed again.
    awaitTrue(() -> openDescriptors() <= descriptorsBefore);
  }

  private static long openDescriptors() {
    try (java.util.stream.Stream<java.nio.file.Path> fds = Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
      return fds.count();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  @Order(6)
  void pauseAndResumeLoseNoBytes() throws Exception {
    ReplicationConnection conn = await(ReplicationClient.connect(vertx, pg.options("sk1", ReplicationPostgres.REPLICATOR_PASSWORD)));
    AtomicBoolean paused = new AtomicBoolean();
    AtomicInteger deliveredWhilePaused = new AtomicInteger();
    WalCollector wal = new WalCollector() {
      @Override
      public synchronized void onXLogData(long walStart, long walEnd, Buffer data) {
        if (paused.get()) {
          deliveredWhilePaused.incrementAndGet();
        }
        super.onXLogData(walStart, walEnd, data);
        if (messages() == 1) {
          paused.set(true);
          conn.pause(); // from inside the callback: the rest of this chunk must be held back too
        }
      }
    };
    try {
      long start = await(conn.identifySystem()).xlogPos();
      await(conn.startPhysical(null, start, wal));
      pg.execute("CREATE TABLE paused (id int, pad text)");
      awaitTrue(paused::get);
      // Several MB of WAL while paused: the socket stops being read and TCP pushes back.
      pg.execute("INSERT INTO paused SELECT g, repeat('z', 200) FROM generate_series(1, 20000) g");
      long current = pg.queryLsn("SELECT pg_current_wal_lsn()");
      Thread.sleep(300);
      assertEquals(0, deliveredWhilePaused.get());
      assertTrue(wal.end() < current);
      paused.set(false);
      conn.resume();
      wal.awaitEnd(current, 10_000);
      assertEquals(java.util.List.of(), wal.problems());
      pg.execute("CHECKPOINT");
      long end = wal.end();
      assertArrayEquals(WalFiles.read(pg.walDir(), start, end, segmentSize), wal.range(start, end));
    } finally {
      await(conn.close());
    }
  }

  @Test
  @Order(7)
  void startingAtRemovedWalEndsWithAClearError() throws Exception {
    String earlySegment = WalFiles.segmentName(1, earlyLsn, segmentSize);
    for (int i = 0; i < 3 && Files.exists(pg.walDir().resolve(earlySegment)); i++) {
      pg.execute("CREATE TABLE IF NOT EXISTS filler (id int); INSERT INTO filler VALUES (1)");
      pg.execute("SELECT pg_switch_wal()");
      pg.execute("CHECKPOINT");
    }
    assertFalse(Files.exists(pg.walDir().resolve(earlySegment)), earlySegment + " still in pg_wal");
    ReplicationConnection conn = await(ReplicationClient.connect(vertx, pg.options("sk1", ReplicationPostgres.REPLICATOR_PASSWORD)));
    WalCollector wal = new WalCollector();
    // Postgres reports it after CopyBothResponse, when it tries to read the segment.
    await(conn.startPhysical(null, earlyLsn, wal));
    PgException e = assertInstanceOf(PgException.class, failure(conn.closed()));
    assertTrue(e.getMessage().contains("requested WAL segment " + earlySegment + " has already been removed"),
        e.getMessage());
    assertEquals(0, wal.messages());
  }

  @Test
  @Order(8)
  void terminatedWalsenderFailsClosedWithTheServersError() throws Exception {
    ReplicationConnection conn = await(ReplicationClient.connect(vertx, pg.options("sk_term", ReplicationPostgres.REPLICATOR_PASSWORD)));
    await(conn.startPhysical(null, await(conn.identifySystem()).xlogPos(), new WalCollector()));
    awaitQuery("SELECT count(*) FROM pg_stat_replication WHERE application_name = 'sk_term'", "1");
    pg.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_replication WHERE application_name = 'sk_term'");
    PgException e = assertInstanceOf(PgException.class, failure(conn.closed()));
    assertEquals("57P01", e.sqlState());
  }

  @Test
  @Order(9)
  void serverStopMidStreamCompletesClosed() throws Exception {
    ReplicationConnection conn = await(ReplicationClient.connect(vertx, pg.options("sk1", ReplicationPostgres.REPLICATOR_PASSWORD)));
    WalCollector wal = new WalCollector() {
      @Override
      public synchronized void onXLogData(long walStart, long walEnd, Buffer data) {
        super.onXLogData(walStart, walEnd, data);
        long end = walStart + data.length();
        conn.sendStatus(end, end, end, false);
      }
    };
    await(conn.startPhysical(null, await(conn.identifySystem()).xlogPos(), wal));
    pg.execute("CREATE TABLE before_stop AS SELECT 1 AS id");
    wal.awaitEnd(pg.queryLsn("SELECT pg_current_wal_lsn()"), 5_000);
    AtomicReference<String> reason = new AtomicReference<>();
    conn.closed().onComplete(ar -> reason.set(ar.succeeded() ? ar.result() : ar.cause().getMessage()));
    // A fast shutdown: the walsender sends the shutdown checkpoint, waits for our confirmation, then ends.
    pg.process().stop(PgProcess.Shutdown.FAST, Duration.ofSeconds(10));
    awaitTrue(() -> reason.get() != null);
    assertTrue(reason.get().startsWith("server finished streaming"), reason.get());
    assertEquals(java.util.List.of(), wal.problems());
  }

  private static void dropSlot(String slot) throws Exception {
    // The walsender that used the slot may still be exiting after our Terminate.
    for (int attempt = 0; ; attempt++) {
      try {
        pg.execute("SELECT pg_drop_replication_slot('" + slot + "')");
        return;
      } catch (SQLException e) {
        if (attempt > 100) {
          throw e;
        }
        Thread.sleep(20);
      }
    }
  }

  private static void awaitQuery(String sql, String expected) throws Exception {
    awaitTrue(() -> {
      try {
        return expected.equals(pg.queryString(sql));
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  private static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        fail("condition not met within 10 s");
      }
      Thread.sleep(10);
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  private static Throwable failure(Future<?> future) {
    try {
      future.toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("expected a failure");
  }
}
