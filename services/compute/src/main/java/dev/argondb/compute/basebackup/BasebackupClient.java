package dev.argondb.compute.basebackup;

import dev.argondb.bus.grpc.BasebackupRequest;
import dev.argondb.bus.grpc.PageserverGrpcClient;
import dev.argondb.bus.grpc.TarChunk;
import dev.argondb.pgruntime.PgFiles;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fetches a basebackup over gRPC into a fresh data directory, unpacking while it arrives: the event loop hands
 * each chunk to a {@link ChunkPipe} that a worker reads with {@link TarExtractor}; when the pipe holds
 * {@link #PIPE_HIGH_WATER} bytes the gRPC response is paused until the worker has caught up (back-pressure to
 * the pageserver), so no temporary tar is written and memory stays bounded. Completes with the LSN the data
 * directory recovers to; fails with the pageserver's reason (e.g. "LSN 0/1A2B3C8 is not a WAL record boundary
 * ...") when it refuses, and then leaves no data directory behind.
 */
public final class BasebackupClient {
  static final int PIPE_HIGH_WATER = 4 << 20;
  static final int PIPE_LOW_WATER = 1 << 20;

  private final Vertx vertx;
  private final GrpcClient grpc;

  public BasebackupClient(Vertx vertx, GrpcClient grpc) {
    this.vertx = vertx;
    this.grpc = grpc;
  }

  /**
   * Where the relation files of at least {@code minBytes} go when the pageserver sends them lazily: {@code at}
   * is asked once, with the basebackup's resolved LSN, when the first such file arrives.
   */
  public record Lazy(long minBytes, LazyTarget at) {}

  @FunctionalInterface
  public interface LazyTarget {
    TarExtractor.LazyEntries at(long lsn) throws IOException;
  }

  /** {@code lsn} 0 = the timeline's last ingested record end. {@code dataDir} must not exist yet. */
  public Future<Long> fetch(SocketAddress pageserver, String tenantId, String timelineId, long lsn, Path dataDir) {
    return fetch(pageserver, tenantId, timelineId, lsn, dataDir, null);
  }

  /** As {@link #fetch(SocketAddress, String, String, long, Path)}; large relation files lazily if {@code lazy}. */
  public Future<Long> fetch(SocketAddress pageserver, String tenantId, String timelineId, long lsn, Path dataDir,
                            Lazy lazy) {
    BasebackupRequest request = BasebackupRequest.newBuilder().setTenantId(tenantId).setTimelineId(timelineId)
        .setLsn(lsn).setLazyMinBytes(lazy == null ? 0 : lazy.minBytes()).build();
    return vertx.executeBlocking(() -> {
          if (Files.exists(dataDir)) {
            throw new IOException("data directory " + dataDir + " exists already");
          }
          Files.createDirectories(dataDir.toAbsolutePath().getParent());
          return null;
        })
        .compose(checked -> grpc.request(pageserver, PageserverGrpcClient.GetBasebackup)
            .compose(call -> call.send(request).compose(response -> receive(call, response, dataDir, lazy)))
            .recover(failure -> vertx.executeBlocking(() -> {
              PgFiles.deleteRecursively(dataDir);
              return null;
            }).transform(deleted -> Future.failedFuture(failure))));
  }

  private Future<Long> receive(GrpcClientRequest<BasebackupRequest, TarChunk> call,
                               GrpcClientResponse<BasebackupRequest, TarChunk> response, Path dataDir, Lazy lazy) {
    if (refused(response)) {
      return Future.failedFuture(refusal(response));
    }
    Context context = vertx.getOrCreateContext();
    ChunkPipe pipe = new ChunkPipe(PIPE_HIGH_WATER, PIPE_LOW_WATER, () -> context.runOnContext(v -> response.resume()));
    AtomicLong lsn = new AtomicLong();
    response.handler(chunk -> {
      lsn.set(chunk.getLsn());
      if (pipe.offer(chunk.getData().asReadOnlyByteBuffer())) {
        response.pause();
      }
    });
    response.exceptionHandler(error -> pipe.fail(refused(response) ? refusal(response)
        : new IOException("basebackup stream failed: " + error.getMessage(), error)));
    response.endHandler(end -> {
      if (refused(response)) {
        pipe.fail(refusal(response));
      } else {
        pipe.end();
      }
    });
    // The worker reads to the stream's end, past the tar's end-of-archive blocks: the pageserver's status
    // comes last, and only an OK status ends the pipe without an error.
    return vertx.executeBlocking(() -> {
      TarExtractor.extract(pipe, dataDir, lazy == null ? null : boundOnFirstUse(lazy.at(), lsn));
      pipe.transferTo(OutputStream.nullOutputStream());
      return lsn.get();
    }, false).onFailure(failed -> {
      pipe.abort();
      context.runOnContext(v -> {
        try {
          call.cancel(); // stop the pageserver sending what nobody reads
        } catch (IllegalStateException ended) {
          // the stream had ended already
        }
      });
    });
  }

  /** The lazy entries of {@code target} at the LSN the stream names, asked for when the first one arrives. */
  private static TarExtractor.LazyEntries boundOnFirstUse(LazyTarget target, AtomicLong lsn) {
    return new TarExtractor.LazyEntries() {
      private TarExtractor.LazyEntries bound;

      @Override
      public void add(String name, Path file, long size) throws IOException {
        if (bound == null) {
          bound = target.at(lsn.get()); // set before the chunk holding this entry reached the pipe
        }
        bound.add(name, file, size);
      }
    };
  }

  private static boolean refused(GrpcClientResponse<?, ?> response) {
    return response.status() != null && response.status() != GrpcStatus.OK;
  }

  private static IOException refusal(GrpcClientResponse<?, ?> response) {
    return new IOException("pageserver refused the basebackup (" + response.status().name() + "): " + response.statusMessage());
  }
}
