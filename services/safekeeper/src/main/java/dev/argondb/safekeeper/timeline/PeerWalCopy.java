package dev.argondb.safekeeper.timeline;

import dev.argondb.bus.SafekeeperRef;
import dev.argondb.bus.grpc.ReadWalRequest;
import dev.argondb.bus.grpc.SafekeeperWalGrpcClient;
import dev.argondb.pgformat.Lsn;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the WAL a lagging safekeeper lacks from a peer ({@code ReadWal}) through the timeline's
 * writer, so the copy is fsynced like streamed WAL. Completes with the flushed end.
 */
final class PeerWalCopy {
  private static final Logger LOG = LoggerFactory.getLogger(PeerWalCopy.class);

  private PeerWalCopy() {}

  static Future<Long> copy(GrpcClient grpc, SafekeeperRef donor, SafekeeperTimeline timeline, long from, long to) {
    long begin = System.nanoTime();
    SafekeeperWalGrpcClient client = SafekeeperWalGrpcClient.create(grpc,
        SocketAddress.inetSocketAddress(donor.grpcPort(), donor.host()));
    ReadWalRequest request = ReadWalRequest.newBuilder().setTenantId(timeline.key.tenantId())
        .setTimelineId(timeline.key.timelineId()).setStartLsn(from).setEndLsn(to).build();
    return client.readWal(request).compose(stream -> {
      Promise<Long> done = Promise.promise();
      long[] next = {from};
      Future<?>[] last = {Future.succeededFuture(from)};
      stream.handler(chunk -> {
        if (chunk.getStartLsn() != next[0]) {
          done.tryFail("peer " + donor.id() + " sent WAL at " + Lsn.format(chunk.getStartLsn()) + ", expected "
              + Lsn.format(next[0]));
          return;
        }
        next[0] += chunk.getData().size();
        last[0] = timeline.writer.append(chunk.getStartLsn(), Buffer.buffer(chunk.getData().toByteArray()));
      });
      stream.exceptionHandler(error -> done.tryFail("reading WAL from peer " + donor.id() + " failed: " + error));
      stream.endHandler(end -> last[0].onComplete(flushed -> {
        if (flushed.failed()) {
          done.tryFail(flushed.cause());
        } else if (next[0] != to) {
          done.tryFail("peer " + donor.id() + " holds WAL only up to " + Lsn.format(next[0]) + ", needed "
              + Lsn.format(to));
        } else {
          LOG.info("{}: copied WAL {}..{} ({} KB) from {} in {} ms", timeline.key, Lsn.format(from), Lsn.format(to),
              (to - from) / 1024, donor.id(), (System.nanoTime() - begin) / 1_000_000);
          done.tryComplete(to);
        }
      }));
      return done.future();
    });
  }
}
