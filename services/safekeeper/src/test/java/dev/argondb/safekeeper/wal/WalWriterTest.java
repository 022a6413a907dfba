package dev.argondb.safekeeper.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.argondb.pgformat.WalSegments;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class WalWriterTest {
  private static final long START = WalSegments.segmentStart(1);

  @TempDir
  Path dataDir;

  private WalSegmentStore store() {
    return new WalSegmentStore(TimelineDirectory.of(dataDir, TimelineControlFileTest.TENANT,
        TimelineControlFileTest.TIMELINE));
  }

  /** Runs {@code action} on the context (appends belong on the event loop) and waits for its result. */
  private static <T> T on(Context context, java.util.function.Supplier<T> action) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(v -> result.complete(action.get()));
    return result.get(10, TimeUnit.SECONDS);
  }

  @Test
  void acksOnlyAfterFsyncAndGroupsWhileAnFsyncRuns(Vertx vertx) throws Exception {
    Context context = vertx.getOrCreateContext();
    try (WalSegmentStore store = store()) {
      BlockingSync sync = new BlockingSync(store::sync);
      List<Long> flushed = new CopyOnWriteArrayList<>();
      AtomicLong fsyncNanos = new AtomicLong();
      WalWriter writer = on(context, () -> new WalWriter(context, store, START, sync)
          .onFlushed(flushed::add).fsyncLatencyHook(fsyncNanos::addAndGet));
      ByteArrayOutputStream expected = new ByteArrayOutputStream();
      List<Future<Long>> acks = new ArrayList<>();
      List<Integer> syncsDoneAtAck = new CopyOnWriteArrayList<>();

      byte[] first = chunk(0, 1000);
      expected.write(first);
      acks.add(on(context, () -> writer.append(START, Buffer.buffer(first))));
      sync.awaitEntered(); // the first batch is now inside its fsync
      for (int i = 1; i <= 100; i++) {
        byte[] data = chunk(i, 50 + i * 37);
        expected.write(data);
        acks.add(on(context, () -> writer.append(writer.endLsn(), Buffer.buffer(data))));
      }
      for (Future<Long> ack : acks) {
        ack.onSuccess(lsn -> syncsDoneAtAck.add(sync.completed()));
      }
      Thread.sleep(100);
      assertTrue(acks.stream().noneMatch(Future::isComplete), "an append was acknowledged before its fsync returned");
      assertTrue(flushed.isEmpty());

      sync.release();
      Future.all(acks).await(10, TimeUnit.SECONDS);
      long end = START + expected.size();
      assertTrue(syncsDoneAtAck.stream().allMatch(n -> n >= 1));
      assertEquals(end, acks.get(acks.size() - 1).result());
      assertEquals(START + first.length, acks.get(0).result());
      assertTrue(writer.fsyncs() <= 2, writer.fsyncs() + " fsyncs");
      assertEquals(writer.fsyncs(), writer.batches());
      assertEquals(expected.size(), writer.bytesWritten());
      assertEquals(end, writer.flushLsn());
      // The listener runs on the context right after the batch's futures complete, so the last ack can
      // wake this thread before it ran: look at what it saw from the context, once that task finished.
      List<Long> seen = on(context, () -> List.copyOf(flushed));
      assertEquals(end, seen.get(seen.size() - 1));
      assertTrue(fsyncNanos.get() > 0);
      assertArrayEquals(expected.toByteArray(), store.read(START, end).array());
    }
  }

  /**
   * WAL messages framed out of one network read are appended in one event-loop task: they go to the writer
   * together and share one fsync, even when framing the later ones takes a while.
   */
  @Test
  void appendsOfOneEventLoopTaskShareOneFsync(Vertx vertx) throws Exception {
    Context context = vertx.getOrCreateContext();
    try (WalSegmentStore store = store()) {
      WalWriter writer = on(context, () -> new WalWriter(context, store, START));
      List<Future<Long>> acks = on(context, () -> {
        List<Future<Long>> appended = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          appended.add(writer.append(writer.endLsn(), Buffer.buffer(chunk(i, 200))));
          sleepQuietly(20); // time enough for a writer handed the first append to fsync it on its own
        }
        return appended;
      });
      Future.all(acks).await(10, TimeUnit.SECONDS);
      assertEquals(1, writer.fsyncs(), "five appends of one task, one fsync");
      assertEquals(START + 1000, writer.flushLsn());
    }
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The hook that sends the replication status update: on the writer thread, only after the fsync. */
  @Test
  void durableHookRunsOnTheWriterThreadRightAfterTheFsync(Vertx vertx) throws Exception {
    Context context = vertx.getOrCreateContext();
    try (WalSegmentStore store = store()) {
      BlockingSync sync = new BlockingSync(store::sync);
      List<String> hookCalls = new CopyOnWriteArrayList<>();
      CompletableFuture<Long> durable = new CompletableFuture<>();
      WalWriter writer = on(context, () -> new WalWriter(context, store, START, sync)
          .onDurableOnWriterThread(lsn -> {
            hookCalls.add(Thread.currentThread().getName() + " after " + sync.completed() + " fsync(s)");
            durable.complete(lsn);
          }));
      byte[] data = chunk(7, 300);
      Future<Long> ack = on(context, () -> writer.append(START, Buffer.buffer(data)));
      sync.awaitEntered();
      Thread.sleep(50);
      assertTrue(hookCalls.isEmpty(), "hook ran before the fsync returned: " + hookCalls);
      sync.release();
      assertEquals(START + data.length, durable.get(10, TimeUnit.SECONDS));
      assertEquals(START + data.length, ack.await(10, TimeUnit.SECONDS));
      assertEquals(1, hookCalls.size(), hookCalls.toString());
      assertTrue(hookCalls.get(0).startsWith("wal-writer-") && hookCalls.get(0).endsWith("after 1 fsync(s)"),
          hookCalls.get(0));
    }
  }

  /**
   * Acknowledgements go to the event loop without waking it; on a connection that has gone quiet the
   * writer thread wakes it after a short linger, so an ack never waits for the next WAL to arrive.
   */
  @Test
  void acknowledgementsReachAQuietEventLoopOnItsContext(Vertx vertx) throws Exception {
    Context context = vertx.getOrCreateContext();
    try (WalSegmentStore store = store()) {
      WalWriter writer = on(context, () -> new WalWriter(context, store, START));
      for (int round = 0; round < 20; round++) {
        CompletableFuture<Context> ackedOn = new CompletableFuture<>();
        long started = System.nanoTime();
        byte[] data = chunk(round, 100);
        on(context, () -> writer.append(writer.endLsn(), Buffer.buffer(data))
            .onSuccess(lsn -> ackedOn.complete(Vertx.currentContext())));
        assertEquals(context, ackedOn.get(10, TimeUnit.SECONDS), "acknowledged off the writer's context");
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertTrue(millis < 1_000, "round " + round + ": an idle event loop got its ack after " + millis + " ms");
        Thread.sleep(round % 5); // sometimes the loop is asleep before the fsync ends, sometimes not
      }
      assertEquals(START + 20 * 100, writer.flushLsn());
    }
  }

  @Test
  void rejectsGapsAndOverlaps(Vertx vertx) throws Exception {
    Context context = vertx.getOrCreateContext();
    try (WalSegmentStore store = store()) {
      WalWriter writer = on(context, () -> new WalWriter(context, store, START));
      on(context, () -> writer.append(START, Buffer.buffer(chunk(1, 64)))).await(10, TimeUnit.SECONDS);
      Future<Long> gap = on(context, () -> writer.append(START + 128, Buffer.buffer(chunk(2, 8))));
      Future<Long> overlap = on(context, () -> writer.append(START + 32, Buffer.buffer(chunk(3, 8))));
      assertTrue(gap.failed());
      assertInstanceOf(IllegalArgumentException.class, gap.cause());
      assertTrue(gap.cause().getMessage().contains("gap"), gap.cause().getMessage());
      assertTrue(overlap.cause().getMessage().contains("overlap"), overlap.cause().getMessage());
      assertEquals(START + 64, writer.endLsn());
      Future<Long> next = on(context, () -> writer.append(START + 64, Buffer.buffer(chunk(4, 8))));
      assertFalse(next.failed());
      next.await(10, TimeUnit.SECONDS); // written before the store closes
    }
  }

  static byte[] chunk(int seed, int length) {
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] = (byte) (seed * 31 + i);
    }
    return b;
  }
}
