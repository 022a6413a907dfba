package dev.argondb.compute.basebackup;

import dev.argondb.bus.grpc.BasebackupRequest;
import dev.argondb.bus.grpc.PageserverGrpcClient;
import dev.argondb.bus.grpc.TarChunk;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.common.GrpcStatus;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Fetches a basebackup over gRPC into a fresh data directory: chunks are appended to a tar file beside it
 * on a worker while the stream is paused (back-pressure to the pageserver), then the tar is unpacked and
 * removed. Completes with the LSN the data directory recovers to; fails with the pageserver's reason
 * (e.g. "LSN 0/1A2B3C8 is not a WAL record boundary ...") when it refuses.
 */
public final class BasebackupClient {
  private final Vertx vertx;
  private final GrpcClient grpc;

  public BasebackupClient(Vertx vertx, GrpcClient grpc) {
    this.vertx = vertx;
    this.grpc = grpc;
  }

  /** {@code lsn} 0 = the timeline's last ingested record end. {@code dataDir} must not exist yet. */
  public Future<Long> fetch(SocketAddress pageserver, String tenantId, String timelineId, long lsn, Path dataDir) {
    Path tar = dataDir.resolveSibling(dataDir.getFileName() + ".basebackup.tar");
    BasebackupRequest request = BasebackupRequest.newBuilder().setTenantId(tenantId).setTimelineId(timelineId)
        .setLsn(lsn).build();
    return vertx.executeBlocking(() -> {
          if (Files.exists(dataDir)) {
            throw new IOException("data directory " + dataDir + " exists already");
          }
          Files.createDirectories(dataDir.getParent());
          return FileChannel.open(tar, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING);
        })
        .compose(file -> grpc.request(pageserver, PageserverGrpcClient.GetBasebackup)
            .compose(call -> call.send(request))
            .compose(response -> receive(response, file))
            .eventually(() -> vertx.executeBlocking(() -> {
              file.close();
              return null;
            })))
        .compose(resolvedLsn -> vertx.executeBlocking(() -> {
          TarExtractor.extract(tar, dataDir);
          return resolvedLsn;
        }))
        .eventually(() -> vertx.executeBlocking(() -> Files.deleteIfExists(tar)));
  }

  private Future<Long> receive(io.vertx.grpc.client.GrpcClientResponse<BasebackupRequest, TarChunk> response,
                               FileChannel file) {
    Promise<Long> done = Promise.promise();
    if (response.status() != null && response.status() != GrpcStatus.OK) {
      return Future.failedFuture(refusal(response));
    }
    long[] lsn = {0};
    response.handler(chunk -> {
      lsn[0] = chunk.getLsn();
      response.pause();
      vertx.executeBlocking(() -> {
        var bytes = chunk.getData().asReadOnlyByteBuffer();
        while (bytes.hasRemaining()) {
          file.write(bytes);
        }
        return null;
      }).onSuccess(written -> response.resume()).onFailure(done::tryFail);
    });
    response.exceptionHandler(error -> done.tryFail(response.status() != null && response.status() != GrpcStatus.OK
        ? refusal(response) : error));
    response.endHandler(end -> vertx.executeBlocking(() -> null).onComplete(flushed -> {
      // ordered after every chunk's write
      if (response.status() != null && response.status() != GrpcStatus.OK) {
        done.tryFail(refusal(response));
      } else {
        done.tryComplete(lsn[0]);
      }
    }));
    return done.future();
  }

  private static IOException refusal(io.vertx.grpc.client.GrpcClientResponse<?, ?> response) {
    return new IOException("pageserver refused the basebackup (" + response.status() + "): " + response.statusMessage());
  }
}
