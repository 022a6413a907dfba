package dev.argondb.safekeeper.wal;

import dev.argondb.pgformat.Lsn;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Group commit for one timeline's WAL (the BookKeeper journal pattern). {@link #append} is called
 * on the event loop and only queues; one step at a time runs on a worker thread, writes every chunk
 * queued so far and then fsyncs once. Only after that fsync returns are the batch's futures
 * completed with the new flush LSN and the {@link FlushListener} told, so an acknowledgement never
 * precedes durability. Chunks appended while an fsync runs form the next batch, which is how a
 * slow disk turns into larger batches instead of a longer queue of fsyncs.
 *
 * <p>Appends must be contiguous: each starts where the previous one ended. To rewrite WAL (a new
 * term cutting a divergent tail) truncate the {@link WalSegmentStore} and create a new writer.
 * After a failed write or fsync the writer fails every pending and later append: what reached the
 * disk is unknown, so the timeline must be reopened and its end recovered with
 * {@link WalSegmentStore#findEnd}.
 *
 * <p>Create it and use it on one Vert.x context (the timeline's event loop); callbacks run there.
 */
public final class WalWriter {
  /** Told of each new flush LSN, on the writer's context, after the batch's futures completed. */
  @FunctionalInterface
  public interface FlushListener {
    void onFlushed(long flushLsn);
  }

  private record Pending(long lsn, Buffer data, Promise<Long> promise) {}

  private final Context context;
  private final WalSegmentStore store;
  private final WalSync sync;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private final List<Promise<Void>> idleWaiters = new ArrayList<>();
  private FlushListener listener = lsn -> { };
  private LongConsumer fsyncLatencyNanos = nanos -> { };
  private boolean inFlight;
  private Throwable failure;
  private long endLsn;
  private volatile long flushLsn;
  private volatile long batches;
  private volatile long bytes;
  private volatile long fsyncs;

  /** A writer that fsyncs with {@link WalSegmentStore#sync()}; WAL on disk ends at {@code startLsn}. */
  public WalWriter(Context context, WalSegmentStore store, long startLsn) {
    this(context, store, startLsn, store::sync);
  }

  public WalWriter(Context context, WalSegmentStore store, long startLsn, WalSync sync) {
    this.context = context;
    this.store = store;
    this.sync = sync;
    this.endLsn = startLsn;
    this.flushLsn = startLsn;
  }

  public WalWriter onFlushed(FlushListener listener) {
    this.listener = listener;
    return this;
  }

  /** Receives each fsync's duration in nanoseconds, on the worker thread (e.g. a Micrometer timer). */
  public WalWriter fsyncLatencyHook(LongConsumer hook) {
    this.fsyncLatencyNanos = hook;
    return this;
  }

  /**
   * Queues {@code data}, which must start at {@code lsn} == {@link #endLsn()}. The future completes
   * with the flush LSN (at least {@code lsn + data.length()}) once the data is fsynced.
   */
  public Future<Long> append(long lsn, Buffer data) {
    if (failure != null) {
      return Future.failedFuture(new IllegalStateException("WAL writer failed earlier", failure));
    }
    if (lsn != endLsn) {
      return Future.failedFuture(new IllegalArgumentException("WAL appended at " + Lsn.format(lsn)
          + " but the WAL ends at " + Lsn.format(endLsn) + (Lsn.compare(lsn, endLsn) > 0 ? ": a gap" : ": an overlap")));
    }
    Promise<Long> promise = Promise.promise();
    queue.add(new Pending(lsn, data, promise));
    endLsn += data.length();
    if (!inFlight) {
      startBatch();
    }
    return promise.future();
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

  /** Completes once nothing is queued or being written. */
  public Future<Void> whenIdle() {
    if (!inFlight && queue.isEmpty()) {
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
    if (inFlight || !queue.isEmpty()) {
      return Future.failedFuture(new IllegalStateException("truncate while WAL is being written"));
    }
    if (lsn == endLsn && failure == null) {
      return Future.succeededFuture();
    }
    return context.<Void>executeBlocking(() -> {
      store.truncateAfter(lsn);
      return null;
    }).onSuccess(done -> {
      endLsn = lsn;
      flushLsn = lsn;
      failure = null;
    });
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

  private void startBatch() {
    List<Pending> batch = new ArrayList<>(queue);
    queue.clear();
    inFlight = true;
    long batchEnd = endLsn;
    context.executeBlocking(() -> {
      long written = 0;
      for (Pending p : batch) {
        ByteBuffer data = ByteBuffer.wrap(p.data().getBytes());
        written += data.remaining();
        store.write(p.lsn(), data);
      }
      long started = System.nanoTime();
      sync.fsync();
      fsyncLatencyNanos.accept(System.nanoTime() - started);
      return written;
    }, false).onComplete(result -> {
      inFlight = false;
      if (result.failed()) {
        fail(batch, result.cause());
        return;
      }
      batches++;
      fsyncs++;
      bytes += result.result();
      flushLsn = batchEnd;
      for (Pending p : batch) {
        p.promise().complete(batchEnd);
      }
      listener.onFlushed(batchEnd);
      if (!queue.isEmpty()) {
        startBatch();
      } else {
        notifyIdle();
      }
    });
  }

  private void fail(List<Pending> batch, Throwable cause) {
    failure = cause;
    for (Pending p : batch) {
      p.promise().fail(cause);
    }
    for (Pending p : queue) {
      p.promise().fail(new IllegalStateException("WAL writer failed", cause));
    }
    queue.clear();
    notifyIdle();
  }

  private void notifyIdle() {
    List<Promise<Void>> waiters = new ArrayList<>(idleWaiters);
    idleWaiters.clear();
    waiters.forEach(Promise::tryComplete);
  }
}
