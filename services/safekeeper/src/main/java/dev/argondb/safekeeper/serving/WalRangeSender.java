package dev.argondb.safekeeper.serving;

import com.google.protobuf.ByteString;
import dev.argondb.bus.grpc.WalChunk;
import dev.argondb.safekeeper.timeline.SafekeeperTimeline;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.grpc.server.GrpcServerResponse;
import java.nio.ByteBuffer;
import java.util.function.LongSupplier;

/**
 * Sends a timeline's WAL as gRPC {@link WalChunk}s: reads run on a worker, one chunk at a time, and
 * the next read waits while the client's write queue is full, so a slow reader never fills memory.
 * The end may move ({@code StreamWal} follows the commit LSN); {@code follow} keeps polling for more.
 */
final class WalRangeSender {
  /** Below the gRPC client's default maximum message size (256 KB), protobuf framing included. */
  static final int CHUNK_BYTES = 128 << 10;
  private static final long POLL_MILLIS = 10;
  private static final long KEEPALIVE_NANOS = 1_000_000_000L;

  private final Vertx vertx;
  private final SafekeeperTimeline timeline;
  private final GrpcServerResponse<?, WalChunk> response;
  private final LongSupplier end;
  private final boolean follow;
  private final Promise<Void> done = Promise.promise();
  private long next;
  private boolean cancelled;
  private long lastWriteNanos = System.nanoTime();

  WalRangeSender(Vertx vertx, SafekeeperTimeline timeline, GrpcServerResponse<?, WalChunk> response, long start,
                 LongSupplier end, boolean follow) {
    this.vertx = vertx;
    this.timeline = timeline;
    this.response = response;
    this.next = start;
    this.end = end;
    this.follow = follow;
  }

  Future<Void> run() {
    response.exceptionHandler(error -> cancelled = true);
    sendMore();
    return done.future();
  }

  /**
   * While there is nothing to send, an empty chunk at the next LSN with the commit LSN this safekeeper
   * knows, once a second: a follower sees that the stream lives, and that this safekeeper lags the
   * commit LSN (its WAL ends below it) if it does — then it can read from another one.
   */
  private void sendKeepaliveEverySecond() {
    long now = System.nanoTime();
    if (now - lastWriteNanos < KEEPALIVE_NANOS || response.writeQueueFull()) {
      return;
    }
    lastWriteNanos = now;
    try {
      response.write(WalChunk.newBuilder().setStartLsn(next).setCommitLsn(timeline.commitLsn).build());
    } catch (IllegalStateException streamGone) {
      cancelled = true;
    }
  }

  private void sendMore() {
    if (cancelled) {
      done.tryComplete();
      return;
    }
    long limit = end.getAsLong();
    if (next >= limit) {
      if (follow) {
        sendKeepaliveEverySecond();
        vertx.setTimer(POLL_MILLIS, id -> sendMore());
      } else {
        done.tryComplete();
      }
      return;
    }
    long chunkEnd = Math.min(limit, next + CHUNK_BYTES);
    long start = next;
    vertx.executeBlocking(() -> timeline.store.read(start, chunkEnd), false).onComplete(read -> {
      if (read.failed()) {
        done.tryFail(read.cause());
        return;
      }
      ByteBuffer bytes = read.result();
      next = chunkEnd;
      lastWriteNanos = System.nanoTime();
      try {
        response.write(WalChunk.newBuilder().setStartLsn(start).setData(ByteString.copyFrom(bytes))
            .setCommitLsn(timeline.commitLsn).build());
      } catch (IllegalStateException streamGone) {
        // The client cancelled (a pageserver stopping or switching safekeepers) between two polls.
        cancelled = true;
        done.tryComplete();
        return;
      }
      if (response.writeQueueFull()) {
        response.drainHandler(drained -> sendMore());
      } else {
        sendMore();
      }
    });
  }
}
