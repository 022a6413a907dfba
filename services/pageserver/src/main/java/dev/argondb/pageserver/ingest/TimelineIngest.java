package dev.argondb.pageserver.ingest;

import dev.argondb.bus.SafekeeperRef;
import dev.argondb.bus.grpc.SafekeeperWalGrpcClient;
import dev.argondb.bus.grpc.StreamWalRequest;
import dev.argondb.bus.grpc.WalChunk;
import dev.argondb.pageserver.PageserverMetrics;
import dev.argondb.pageserver.timeline.Timeline;
import dev.argondb.pgformat.Lsn;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.common.GrpcStatus;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows one timeline's committed WAL: streams it from one safekeeper ({@code StreamWal}) from the last
 * ingested record end, stores and indexes each chunk on a worker with the stream paused (a slow disk slows
 * the safekeeper, not the heap), and on an error or end moves to the next safekeeper after a pause. Each
 * (re)connection is a new generation: chunks of an abandoned stream are ignored. Worker tasks are ordered
 * on the owning verticle's context, so one timeline's WAL is written by one task at a time.
 */
final class TimelineIngest {
  private static final Logger LOG = LoggerFactory.getLogger(TimelineIngest.class);

  private final Vertx vertx;
  private final Timeline timeline;
  private final GrpcClient grpc;
  private final PageserverMetrics metrics;
  private final long reconnectMillis;
  private List<SafekeeperRef> safekeepers;
  private int next;
  private long generation;
  /** Keepalives in a row from a safekeeper whose WAL ends below the commit LSN before switching away. */
  private static final int LAGGING_KEEPALIVES = 3;
  private int keepalivesBehind;
  private GrpcClientRequest<StreamWalRequest, WalChunk> current;
  private boolean stopped;

  TimelineIngest(Vertx vertx, Timeline timeline, GrpcClient grpc, PageserverMetrics metrics, long reconnectMillis,
                 List<SafekeeperRef> safekeepers) {
    this.vertx = vertx;
    this.timeline = timeline;
    this.grpc = grpc;
    this.metrics = metrics;
    this.reconnectMillis = reconnectMillis;
    this.safekeepers = safekeepers;
  }

  Timeline timeline() {
    return timeline;
  }

  void start() {
    connect();
  }

  /** Switches to another list of safekeepers at once. */
  void follow(List<SafekeeperRef> list) {
    safekeepers = list;
    next = 0;
    abandon();
    connect();
  }

  /** Stops streaming and makes what was ingested durable. */
  Future<Void> stop() {
    stopped = true;
    abandon();
    return sync();
  }

  /** fsyncs and saves the resume point, after any chunk still being written. */
  Future<Void> sync() {
    return vertx.executeBlocking(() -> {
      timeline.indexer().sync();
      return null;
    });
  }

  private void abandon() {
    generation++;
    if (current != null) {
      current.cancel();
      current = null;
    }
  }

  private void connect() {
    if (stopped || safekeepers.isEmpty()) {
      return;
    }
    long gen = ++generation;
    SafekeeperRef safekeeper = safekeepers.get(next % safekeepers.size());
    // Ordered after pending writes: the partial record of a broken stream is forgotten before resuming.
    vertx.executeBlocking(() -> {
          timeline.indexer().resetAtLastRecord();
          return timeline.indexer().lastRecordLsn();
        })
        .compose(from -> grpc.request(SocketAddress.inetSocketAddress(safekeeper.grpcPort(), safekeeper.host()),
            SafekeeperWalGrpcClient.StreamWal).compose(request -> {
              if (gen != generation) {
                request.cancel();
                return Future.failedFuture("abandoned");
              }
              current = request;
              request.end(StreamWalRequest.newBuilder().setTenantId(timeline.tenantId())
                  .setTimelineId(timeline.timelineId()).setStartLsn(from).build());
              LOG.info("Ingesting {}/{} from safekeeper {} at {}", timeline.tenantId(), timeline.timelineId(),
                  safekeeper.id(), Lsn.format(from));
              return request.response();
            }))
        .onSuccess(response -> {
          if (response.status() != null && response.status() != GrpcStatus.OK) {
            failed(gen, safekeeper, response.status() + " " + response.statusMessage());
            return;
          }
          response.handler(chunk -> onChunk(gen, safekeeper, response, chunk));
          response.exceptionHandler(error -> failed(gen, safekeeper, String.valueOf(error.getMessage())));
          response.endHandler(end -> failed(gen, safekeeper, "stream ended: " + response.status() + " "
              + response.statusMessage()));
        })
        .onFailure(error -> failed(gen, safekeeper, String.valueOf(error.getMessage())));
  }

  private void onChunk(long gen, SafekeeperRef safekeeper, io.vertx.grpc.client.GrpcClientResponse<?, WalChunk> stream,
                       WalChunk chunk) {
    if (gen != generation) {
      return;
    }
    if (chunk.getData().isEmpty()) {
      onKeepalive(gen, safekeeper, chunk);
      return;
    }
    keepalivesBehind = 0;
    stream.pause();
    vertx.executeBlocking(() -> timeline.indexer().ingest(chunk.getStartLsn(), chunk.getData().asReadOnlyByteBuffer()))
        .onComplete(result -> {
          if (gen != generation) {
            return;
          }
          if (result.failed()) {
            LOG.warn("Ingesting {}/{} from safekeeper {} failed", timeline.tenantId(), timeline.timelineId(),
                safekeeper.id(), result.cause());
            failed(gen, safekeeper, String.valueOf(result.cause().getMessage()));
            return;
          }
          metrics.ingested(timeline, result.result(), chunk.getCommitLsn());
          stream.resume();
        });
  }

  /**
   * The safekeeper has nothing more to send. If its WAL ends below the commit LSN it knows for a few
   * keepalives in a row, it lags the quorum (it is not streaming from the compute): read from the next one.
   */
  private void onKeepalive(long gen, SafekeeperRef safekeeper, WalChunk keepalive) {
    if (keepalive.getStartLsn() >= keepalive.getCommitLsn()) {
      keepalivesBehind = 0;
      return;
    }
    if (++keepalivesBehind >= LAGGING_KEEPALIVES) {
      keepalivesBehind = 0;
      failed(gen, safekeeper, "its WAL ends at " + Lsn.format(keepalive.getStartLsn()) + ", below the commit LSN "
          + Lsn.format(keepalive.getCommitLsn()));
    }
  }

  private void failed(long gen, SafekeeperRef safekeeper, String reason) {
    if (gen != generation || stopped) {
      return;
    }
    abandon();
    metrics.streamFailed(timeline, safekeeper.id());
    LOG.info("WAL stream of {}/{} from safekeeper {} stopped ({}); trying the next in {} ms", timeline.tenantId(),
        timeline.timelineId(), safekeeper.id(), reason, reconnectMillis);
    next++;
    vertx.setTimer(reconnectMillis, id -> {
      if (!stopped) {
        connect();
      }
    });
  }
}
