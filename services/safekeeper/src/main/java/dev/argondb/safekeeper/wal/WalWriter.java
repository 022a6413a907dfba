package dev.argondb.safekeeper.wal;

import dev.argondb.pgformat.Lsn;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for one timeline's WAL (the BookKeeper journal pattern). {@link #append} is called
 * on the event loop and only queues; the timeline's own writer thread ({@link WalWriterThread}) loops:
 * take every chunk queued so far, write them, fsync once, post the acknowledgements to the event loop,
 * and go straight on with what arrived meanwhile. Only after that fsync returned are the batch's
 * futures completed with the new flush LSN and the {@link FlushListener} told, so an acknowledgement
 * never precedes durability. Chunks appended while an fsync runs form the next batch, which is how a
 * slow disk turns into larger batches instead of a longer queue of fsyncs. The writer thread never
 * waits for the event loop: the next fsync starts while the previous batch's acks are on their way,
 * instead of after two thread hops (worker to event loop to worker) as with one blocking task per batch.
 * A {@link #onDurableOnWriterThread durable hook} runs on the writer thread right after each fsync,
 * before the hop to the event loop: the replication status update that releases commits goes out from
 * there, as pg_receivewal answers from the thread that fsynced.
 *
 * <p>The batch's acknowledgements reach the event loop without waking it ({@link AckHandOff}): with the
 * status update already sent, nothing waits for them but bookkeeping, and the event loop wakes anyway
 * when the compute's next WAL arrives. Waking it for every batch cost a wake-up write on this thread
 * and a second epoll round trip on the event loop: about a seventh of the safekeepers' CPU per transaction.
 *
 * <p>Appends must be contiguous: each starts where the previous one ended. To rewrite WAL (a new
 * term cutting a divergent tail) use {@link #truncateAfter}. After a failed write or fsync the
 * writer fails every pending and later append: what reached the disk is unknown, so the WAL's end
 * must be recovered ({@link WalSegmentStore#findEnd}) and cut there before writing again.
 *
 * <p>Create it and use it on one Vert.x context (the timeline's event loop); callbacks run there.
 */
public final class WalWriter {
  /** Told of each new flush LSN, on the writer's context, after the batch's futures completed. */
  @FunctionalInterface
  public interface FlushListener {
    void onFlushed(long flushLsn);
  }

  private static final Logger LOG = LoggerFactory.getLogger(WalWriter.class);
  /** Batches up to this size are gathered into one write; larger ones are written chunk by chunk. */
  private static final int GATHER_BYTES = 256 << 10;
  /**
   * A batch's chunks copied into one buffer, so a batch is one write(2). Per writer thread, not per timeline:
   * a safekeeper holds many quiet timelines, and a writer thread exists only while its timeline is busy.
   */
  private static final ThreadLocal<ByteBuffer> GATHER = ThreadLocal.withInitial(
      () -> ByteBuffer.allocateDirect(GATHER_BYTES));

  /** What the event loop hands to the writer thread, in order. */
  private sealed interface Item permits Pending, StoreTask {}

  private record Pending(long lsn, ByteBuffer data, Promise<Long> promise) implements Item {}

  /** Store work that must not interleave with writes (truncation), run in queue order. */
  private record StoreTask(Runnable work) implements Item {}

  private final ContextInternal context;
  private final WalSegmentStore store;
  private final WalSync sync;
  private final WalWriterThread thread;
  private final AckHandOff acks;
  /** Handed from the event loop to the writer thread. */
  private final ConcurrentLinkedQueue<Item> queue = new ConcurrentLinkedQueue<>();
  /**
   * Appends of the event-loop task under way, handed to the writer together once the task ends (see
   * {@link #append}).
   */
  private final List<Item> burst = new ArrayList<>();
  private final List<Promise<Void>> idleWaiters = new ArrayList<>();
  private FlushListener listener = lsn -> { };
  private volatile LongConsumer fsyncLatencyNanos = nanos -> { };
  private volatile LongConsumer durableHook = lsn -> { };
  // Event-loop state.
  private long endLsn;
  private int unacknowledged;
  private Throwable failure;
  // Writer-thread state: once a write or fsync failed, nothing more is written until a truncation.
  private Throwable broken;
  private volatile long flushLsn;
  private volatile long batches;
  private volatile long bytes;
  private volatile long fsyncs;

  /** A writer that fsyncs with {@link WalSegmentStore#sync()}; WAL on disk ends at {@code startLsn}. */
  public WalWriter(Context context, WalSegmentStore store, long startLsn) {
    this(context, store, startLsn, store::sync);
  }

  public WalWriter(Context context, WalSegmentStore store, long startLsn, WalSync sync) {
    this.context = (ContextInternal) context;
    this.store = store;
    this.sync = sync;
    this.acks = new AckHandOff(context);
    this.thread = new WalWriterThread("wal-writer-" + store.directory().tenantId() + "/"
        + store.directory().timelineId(), this::drain, () -> !queue.isEmpty(), acks);
    this.endLsn = startLsn;
    this.flushLsn = startLsn;
  }

  public WalWriter onFlushed(FlushListener listener) {
    this.listener = listener;
    return this;
  }

  /** Receives each fsync's duration in nanoseconds, on the writer thread (e.g. a Micrometer timer). */
  public WalWriter fsyncLatencyHook(LongConsumer hook) {
    this.fsyncLatencyNanos = hook;
    return this;
  }

  /**
   * Called with each new flush LSN on the writer thread, right after the fsync and before the batch's
   * futures complete on the context; must not block. Replaces the previous hook.
   */
  public WalWriter onDurableOnWriterThread(LongConsumer hook) {
    this.durableHook = hook;
    return this;
  }

  /**
   * Queues {@code data}, which must start at {@code lsn} == {@link #endLsn()}. The future completes
   * with the flush LSN (at least {@code lsn + data.length()}) once the data is fsynced.
   */
  public Future<Long> append(long lsn, Buffer data) {
    return append(lsn, ByteBuffer.wrap(data.getBytes()));
  }

  /**
   * As {@link #append(long, Buffer)}, for bytes position to limit of {@code data}, which the writer
   * then owns: the caller must not change them until the future completes.
   */
  public Future<Long> append(long lsn, ByteBuffer data) {
    if (!onEventLoop()) {
      return offEventLoop("appended");
    }
    if (failure != null) {
      return Future.failedFuture(new IllegalStateException("WAL writer failed earlier", failure));
    }
    if (lsn != endLsn) {
      return Future.failedFuture(new IllegalArgumentException("WAL appended at " + Lsn.format(lsn)
          + " but the WAL ends at " + Lsn.format(endLsn) + (Lsn.compare(lsn, endLsn) > 0 ? ": a gap" : ": an overlap")));
    }
    Promise<Long> promise = Promise.promise();
    endLsn += data.remaining();
    unacknowledged++;
    if (burst.isEmpty()) {
      context.runOnContext(v -> handOver());
    }
    burst.add(new Pending(lsn, data, promise));
    return promise.future();
  }

  /**
   * Event loop: gives the writer the appends of the task that just ended. One network read often carries several
   * WAL messages; handed over one by one, the first would wake the writer into an fsync of its own while the rest
   * are still being framed, as many fsyncs per transaction as messages. Handed over together they share one, as
   * pg_receivewal reads all it can before it fsyncs.
   */
  private void handOver() {
    if (burst.isEmpty()) {
      return;
    }
    queue.addAll(burst);
    burst.clear();
    thread.signal();
  }

  /** Its state and the batch being gathered belong to the context's event loop, unguarded. */
  private boolean onEventLoop() {
    return context.nettyEventLoop().inEventLoop();
  }

  private static <T> Future<T> offEventLoop(String what) {
    return Future.failedFuture(new IllegalStateException("WAL " + what + " off the writer's event loop"));
  }

  /** End of the WAL accepted so far (queued or written). */
  public long endLsn() {
    return endLsn;
  }

  /** End of the WAL known to be fsynced. */
  public long flushLsn() {
    return flushLsn;
  }

  /** Bytes accepted but not yet fsynced: a receiver pauses reading while this is large. */
  public long unflushedBytes() {
    return endLsn - flushLsn;
  }

  /** Completes once every append so far was acknowledged or failed. */
  public Future<Void> whenIdle() {
    if (unacknowledged == 0) {
      return Future.succeededFuture();
    }
    Promise<Void> idle = Promise.promise();
    idleWaiters.add(idle);
    return idle.future();
  }

  /**
   * Cuts the WAL after {@code lsn} (a record boundary at or below the flush LSN) and continues
   * from there: a new term cutting a divergent tail, or a receiver restarting at the last complete
   * record. Call when idle; also clears an earlier failure, since the end is known again.
   */
  public Future<Void> truncateAfter(long lsn) {
    if (!onEventLoop()) {
      return offEventLoop("truncated");
    }
    if (unacknowledged > 0) {
      return Future.failedFuture(new IllegalStateException("truncate while WAL is being written"));
    }
    if (lsn == endLsn && failure == null) {
      return Future.succeededFuture();
    }
    Promise<Void> truncated = Promise.promise();
    handOver();
    // On the writer thread: the store is used by one thread at a time, and `broken` belongs to it.
    queue.add(new StoreTask(() -> {
      try {
        store.truncateAfter(lsn);
        broken = null;
        context.runOnContext(v -> {
          endLsn = lsn;
          flushLsn = lsn;
          failure = null;
          truncated.complete();
        });
      } catch (Throwable e) {
        context.runOnContext(v -> truncated.fail(e));
      }
    }));
    thread.signal();
    return truncated.future();
  }

  /**
   * Deletes the segments wholly below {@code lsn} (see {@link WalSegmentStore#deleteSegmentsBelow}) on the writer
   * thread, which alone uses the store's open files; completes with how many went.
   */
  public Future<Integer> deleteSegmentsBelow(long lsn) {
    if (!onEventLoop()) {
      return offEventLoop("segments deleted");
    }
    Promise<Integer> deleted = Promise.promise();
    handOver(); // queue order is WAL order
    queue.add(new StoreTask(() -> {
      try {
        int n = store.deleteSegmentsBelow(lsn);
        context.runOnContext(v -> deleted.complete(n));
      } catch (Throwable e) {
        context.runOnContext(v -> deleted.fail(e));
      }
    }));
    thread.signal();
    return deleted.future();
  }

  public long batches() {
    return batches;
  }

  public long bytesWritten() {
    return bytes;
  }

  public long fsyncs() {
    return fsyncs;
  }

  /** Writer thread: batch after batch until the queue is empty. */
  private void drain() {
    while (true) {
      List<Pending> batch = new ArrayList<>();
      for (Item item; (item = queue.poll()) != null; ) {
        if (item instanceof Pending p) {
          batch.add(p);
        } else {
          commit(batch); // what was queued before the task is written before it
          batch = new ArrayList<>();
          ((StoreTask) item).work().run();
        }
      }
      if (batch.isEmpty()) {
        return;
      }
      commit(batch);
    }
  }

  /** Writer thread: one batch written and fsynced (or failed), its acknowledgement posted to the context. */
  private void commit(List<Pending> batch) {
    if (batch.isEmpty()) {
      return;
    }
    if (broken != null) {
      Throwable cause = broken;
      context.runOnContext(v -> failed(batch, cause));
      return;
    }
    long batchEnd;
    try {
      batchEnd = writeAndSync(batch);
    } catch (Throwable e) {
      broken = e;
      context.runOnContext(v -> failed(batch, e));
      return;
    }
    try {
      durableHook.accept(batchEnd);
    } catch (RuntimeException e) {
      LOG.warn("WAL writer's durable hook failed at {}", Lsn.format(batchEnd), e);
    }
    acks.post(() -> flushed(batch, batchEnd));
  }

  /** Writer thread: writes the batch, fsyncs once, and returns the new flush LSN. */
  private long writeAndSync(List<Pending> batch) throws Exception {
    long written = 0;
    Pending last = batch.get(batch.size() - 1);
    long batchEnd = last.lsn() + last.data().remaining();
    for (Pending p : batch) {
      written += p.data().remaining();
    }
    if (batch.size() > 1 && written <= GATHER_BYTES) {
      ByteBuffer gather = GATHER.get();
      gather.clear();
      for (Pending p : batch) {
        gather.put(p.data().duplicate());
      }
      gather.flip();
      store.write(batch.get(0).lsn(), gather);
    } else {
      for (Pending p : batch) {
        store.write(p.lsn(), p.data().duplicate());
      }
    }
    long started = System.nanoTime();
    sync.fsync();
    fsyncLatencyNanos.accept(System.nanoTime() - started);
    bytes += written;
    batches++;
    fsyncs++;
    flushLsn = batchEnd; // durable now: readers (WAL serving) may see it before the acks go out
    return batchEnd;
  }

  /** Event loop: the batch is durable. */
  private void flushed(List<Pending> batch, long batchEnd) {
    for (Pending p : batch) {
      p.promise().complete(batchEnd);
    }
    listener.onFlushed(batchEnd);
    settled(batch.size());
  }

  private void failed(List<Pending> batch, Throwable cause) {
    if (failure == null) {
      failure = cause;
    }
    for (Pending p : batch) {
      p.promise().fail(cause);
    }
    settled(batch.size());
  }

  private void settled(int appends) {
    unacknowledged -= appends;
    if (unacknowledged == 0 && !idleWaiters.isEmpty()) {
      List<Promise<Void>> waiters = new ArrayList<>(idleWaiters);
      idleWaiters.clear();
      waiters.forEach(Promise::tryComplete);
    }
  }
}
