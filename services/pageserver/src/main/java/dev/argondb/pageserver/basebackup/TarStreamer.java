package dev.argondb.pageserver.basebackup;

import com.google.protobuf.UnsafeByteOperations;
import dev.argondb.bus.grpc.TarChunk;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.grpc.server.GrpcServerResponse;

/**
 * Sends a basebackup's tar as gRPC {@link TarChunk}s: each chunk is produced on a worker, and the next
 * one only once the client's write queue has room, so a slow receiver slows the producer instead of
 * filling memory. Completes with the bytes sent and the time spent producing them.
 */
final class TarStreamer {
  /** What was sent: bytes, and the worker time that produced them (the rest of a basebackup's time is waiting). */
  record Sent(long bytes, long producingNanos) {}

  private final Vertx vertx;
  private final TarProducer producer;
  private final long lsn;
  private final GrpcServerResponse<?, TarChunk> response;
  private final Promise<Sent> done = Promise.promise();
  private volatile boolean cancelled;

  TarStreamer(Vertx vertx, BasebackupPlan plan, GrpcServerResponse<?, TarChunk> response) {
    this.vertx = vertx;
    this.producer = new TarProducer(plan);
    this.lsn = plan.lsn();
    this.response = response;
  }

  Future<Sent> run() {
    response.exceptionHandler(error -> {
      cancelled = true;
      done.tryFail("the receiver went away: " + error);
    });
    sendMore();
    return done.future();
  }

  private void sendMore() {
    if (cancelled) {
      return;
    }
    vertx.executeBlocking(producer::next, false).onComplete(result -> {
      if (result.failed()) {
        done.tryFail(result.cause());
        return;
      }
      byte[] chunk = result.result();
      if (chunk == null) {
        response.end();
        done.tryComplete(new Sent(producer.producedBytes(), producer.producingNanos()));
        return;
      }
      // The producer hands over a fresh array per chunk and never touches it again: no copy needed.
      response.write(TarChunk.newBuilder().setData(UnsafeByteOperations.unsafeWrap(chunk)).setLsn(lsn).build());
      if (response.writeQueueFull()) {
        response.drainHandler(drained -> sendMore());
      } else {
        sendMore();
      }
    });
  }
}
