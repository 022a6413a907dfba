package dev.argondb.compute.agent;

import dev.argondb.bus.SafekeeperRef;
import dev.argondb.bus.grpc.ReadWalRequest;
import dev.argondb.bus.grpc.SafekeeperWalGrpcClient;
import dev.argondb.bus.grpc.WalChunk;
import dev.argondb.pgformat.Lsn;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies a timeline's WAL range from a safekeeper (gRPC {@code ReadWal}) into a data directory's
 * {@code pg_wal}. Chunks are written in order on a worker while the stream is paused, so a slow disk
 * slows the sender instead of filling memory.
 */
final class WalRestore {
  private static final Logger LOG = LoggerFactory.getLogger(WalRestore.class);

  private final Vertx vertx;
  private final GrpcClient grpc;

  WalRestore(Vertx vertx, GrpcClient grpc) {
    this.vertx = vertx;
    this.grpc = grpc;
  }

  /** Completes when [{@code from}, {@code to}) is written (not yet fsynced) into {@code files}. */
  Future<Void> copy(SafekeeperRef donor, String tenantId, String timelineId, long from, long to, PgWalFiles files) {
    if (from >= to) {
      return Future.succeededFuture();
    }
    long begin = System.nanoTime();
    SafekeeperWalGrpcClient client = SafekeeperWalGrpcClient.create(grpc,
        SocketAddress.inetSocketAddress(donor.grpcPort(), donor.host()));
    ReadWalRequest request = ReadWalRequest.newBuilder().setTenantId(tenantId).setTimelineId(timelineId)
        .setStartLsn(from).setEndLsn(to).build();
    return client.readWal(request).compose(stream -> {
      Promise<Void> done = Promise.promise();
      long[] next = {from};
      stream.handler(chunk -> {
        if (chunk.getStartLsn() != next[0]) {
          done.tryFail("safekeeper " + donor.id() + " sent WAL at " + Lsn.format(chunk.getStartLsn())
              + ", expected " + Lsn.format(next[0]));
          return;
        }
        next[0] += chunk.getData().size();
        stream.pause();
        vertx.executeBlocking(() -> {
              files.write(chunk.getStartLsn(), chunk.getData().asReadOnlyByteBuffer());
              return null;
            })
            .onSuccess(written -> stream.resume())
            .onFailure(done::tryFail);
      });
      stream.exceptionHandler(error -> done.tryFail("reading WAL from safekeeper " + donor.id() + " failed: " + error));
      stream.endHandler(end -> {
        // Writes are ordered: this one runs after every chunk's write.
        vertx.executeBlocking(() -> null).onComplete(flushed -> {
          if (next[0] != to) {
            done.tryFail("safekeeper " + donor.id() + " holds WAL only up to " + Lsn.format(next[0])
                + ", needed " + Lsn.format(to));
          } else {
            LOG.info("Restored WAL {}..{} ({} KB) from safekeeper {} in {} ms", Lsn.format(from), Lsn.format(to),
                (to - from) / 1024, donor.id(), (System.nanoTime() - begin) / 1_000_000);
            done.tryComplete();
          }
        });
      });
      return done.future();
    });
  }
}
