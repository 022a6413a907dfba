package dev.argondb.compute.lazy;

import dev.argondb.bus.grpc.PageserverGrpcClient;
import dev.argondb.bus.grpc.PagesReply;
import dev.argondb.bus.grpc.PagesRequest;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.common.GrpcStatus;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads the lazy files of one basebackup from the pageserver with {@code GetPages} at the basebackup's LSN.
 * Called on FUSE and prefetch threads, never on an event loop: it waits for each reply. Each call is made on
 * {@code context} (an event loop), not on the calling thread: a reply that came before the response's handlers
 * were set from a foreign thread was lost (measured: one call in about 14,000 never completed). A call that
 * fails for a reason that may pass (the pageserver restarting, or not yet ingested up to the LSN after a
 * restart) is tried again until {@link #TIMEOUT_SECONDS}; one refused for good (a bad request, an unknown
 * file) fails at once.
 */
public final class PagesClient implements PageSource {
  /** A read Postgres waits for: past this the read fails with EIO rather than hang the compute. */
  static final long TIMEOUT_SECONDS = 60;
  private static final long RETRY_PAUSE_MILLIS = 200;
  private static final Set<GrpcStatus> FINAL = Set.of(GrpcStatus.INVALID_ARGUMENT, GrpcStatus.NOT_FOUND);

  private final Context context;
  private final GrpcClient grpc;
  private final SocketAddress pageserver;
  private final String tenantId;
  private final String timelineId;
  private final long lsn;

  public PagesClient(Context context, GrpcClient grpc, SocketAddress pageserver, String tenantId,
                     String timelineId, long lsn) {
    this.context = context;
    this.grpc = grpc;
    this.pageserver = pageserver;
    this.tenantId = tenantId;
    this.timelineId = timelineId;
    this.lsn = lsn;
  }

  @Override
  public byte[] read(String path, long offset, int length) throws IOException {
    PagesRequest request = PagesRequest.newBuilder().setTenantId(tenantId).setTimelineId(timelineId).setLsn(lsn)
        .setPath(path).setOffset(offset).setLength(length).build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
    String what = "GetPages " + path + " @" + offset + "+" + length;
    while (true) {
      try {
        return call(request).get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (ExecutionException failed) {
        Throwable cause = failed.getCause();
        if (cause instanceof Refused refused && FINAL.contains(refused.status)
            || System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RETRY_PAUSE_MILLIS) > deadline) {
          throw new IOException(what + " failed: " + cause.getMessage(), cause);
        }
        pause();
      } catch (TimeoutException slow) {
        throw new IOException(what + ": no reply in " + TIMEOUT_SECONDS + " s", slow);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted: " + what, interrupted);
      }
    }
  }

  private CompletableFuture<byte[]> call(PagesRequest request) {
    CompletableFuture<byte[]> result = new CompletableFuture<>();
    context.runOnContext(v -> grpc.request(pageserver, PageserverGrpcClient.GetPages)
        .compose(call -> call.send(request).compose(response -> {
          if (response.status() != null && response.status() != GrpcStatus.OK) {
            return Future.<PagesReply>failedFuture(new Refused(response.status(), response.statusMessage()));
          }
          // A refusal may also come in the trailers, after the headers said nothing.
          return response.last().recover(error -> Future.failedFuture(
              response.status() != null && response.status() != GrpcStatus.OK
                  ? new Refused(response.status(), response.statusMessage()) : error));
        }))
        .onSuccess(reply -> result.complete(reply.getData().toByteArray()))
        .onFailure(result::completeExceptionally));
    return result;
  }

  private static void pause() throws IOException {
    try {
      Thread.sleep(RETRY_PAUSE_MILLIS);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting to retry GetPages", interrupted);
    }
  }

  /** The pageserver answered with a status other than OK. */
  private static final class Refused extends Exception {
    final GrpcStatus status;

    Refused(GrpcStatus status, String message) {
      super(status.name() + ": " + message, null, false, false);
      this.status = status;
    }
  }
}
