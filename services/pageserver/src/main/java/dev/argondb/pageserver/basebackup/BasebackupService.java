package dev.argondb.pageserver.basebackup;

import dev.argondb.bus.BusErrors;
import dev.argondb.bus.grpc.BasebackupRequest;
import dev.argondb.bus.grpc.PageserverGrpcService;
import dev.argondb.bus.grpc.TarChunk;
import dev.argondb.pageserver.PageserverException;
import dev.argondb.pageserver.PageserverMetrics;
import dev.argondb.pgformat.Lsn;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** gRPC {@code Pageserver.GetBasebackup}: plans on a worker (checks the LSN), then streams the tar. */
public final class BasebackupService {
  private static final Logger LOG = LoggerFactory.getLogger(BasebackupService.class);

  private final Vertx vertx;
  private final BasebackupPlanner planner;
  private final PageserverMetrics metrics;

  public BasebackupService(Vertx vertx, BasebackupPlanner planner, PageserverMetrics metrics) {
    this.vertx = vertx;
    this.planner = planner;
    this.metrics = metrics;
  }

  public void mount(GrpcServer grpc) {
    grpc.callHandler(PageserverGrpcService.GetBasebackup,
        request -> request.handler(body -> serve(body, request.response())));
  }

  private void serve(BasebackupRequest request, GrpcServerResponse<BasebackupRequest, TarChunk> response) {
    long begin = System.nanoTime();
    vertx.executeBlocking(() -> planner.plan(request.getTenantId(), request.getTimelineId(), request.getLsn()), false)
        .onFailure(failure -> refuse(response, failure))
        .onSuccess(plan -> new TarStreamer(vertx, plan, response).run().onComplete(sent -> {
          if (sent.succeeded()) {
            metrics.basebackupSent(sent.result(), System.nanoTime() - begin);
            LOG.info("Basebackup of {}/{} at {} (image {}): {} KB in {} ms", plan.tenantId(), plan.timelineId(),
                Lsn.format(plan.lsn()), Lsn.format(plan.image().lsn()), sent.result() / 1024,
                (System.nanoTime() - begin) / 1_000_000);
          } else {
            LOG.warn("Basebackup of {}/{} at {} failed: {}", plan.tenantId(), plan.timelineId(),
                Lsn.format(plan.lsn()), sent.cause().getMessage());
            refuse(response, sent.cause());
          }
        }));
  }

  private static void refuse(GrpcServerResponse<?, ?> response, Throwable failure) {
    GrpcStatus status = GrpcStatus.INTERNAL;
    if (failure instanceof PageserverException e) {
      status = switch (e.code()) {
        case BusErrors.NOT_FOUND -> GrpcStatus.NOT_FOUND;
        case BusErrors.BAD_REQUEST -> GrpcStatus.INVALID_ARGUMENT;
        case PageserverException.OUT_OF_RANGE -> GrpcStatus.OUT_OF_RANGE;
        default -> GrpcStatus.INTERNAL;
      };
    } else {
      LOG.warn("Basebackup failed", failure);
    }
    try {
      response.status(status).statusMessage(String.valueOf(failure.getMessage())).end();
    } catch (IllegalStateException alreadyEnded) {
      // the stream is gone; nothing to tell
    }
  }
}
