package dev.argondb.pageserver.basebackup;

import dev.argondb.bus.grpc.BasebackupRequest;
import dev.argondb.bus.grpc.PageserverGrpcService;
import dev.argondb.bus.grpc.TarChunk;
import dev.argondb.pageserver.GrpcRefusals;
import dev.argondb.pageserver.PageserverException;
import dev.argondb.pageserver.PageserverMetrics;
import dev.argondb.pageserver.timeline.LsnWaiters;
import dev.argondb.pageserver.timeline.Timeline;
import dev.argondb.pageserver.timeline.Timelines;
import dev.argondb.pgformat.Lsn;
import dev.argondb.pageserver.image.ChainSource;
import dev.argondb.pageserver.image.PinnedChain;
import io.vertx.core.Future;
import java.util.function.BiFunction;
import io.vertx.core.Vertx;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * gRPC {@code Pageserver.GetBasebackup}: waits (without a thread) for ingest to reach an LSN it has not
 * ingested yet, up to {@code waitMillis}; then plans on a worker (checks the LSN) and streams the tar, large relation
 * files left out ({@link LazyRelationFiles}) if the request asks.
 */
public final class BasebackupService {
  private static final Logger LOG = LoggerFactory.getLogger(BasebackupService.class);

  private final Vertx vertx;
  private final Timelines timelines;
  private final BasebackupPlanner planner;
  private final PageserverMetrics metrics;
  private final long waitMillis;
  /** Opens the image chain a basebackup reads, on local disk and pinned there until closed (it may download). */
  private final BiFunction<Timeline, Long, Future<PinnedChain>> chains;

  /** Every image on local disk for good (no layer cache). */
  public BasebackupService(Vertx vertx, Timelines timelines, BasebackupPlanner planner, PageserverMetrics metrics,
                           long waitMillis) {
    this(vertx, timelines, planner, metrics, waitMillis,
        (timeline, lsn) -> vertx.executeBlocking(() -> ChainSource.LOCAL.open(timeline, lsn), false));
  }

  public BasebackupService(Vertx vertx, Timelines timelines, BasebackupPlanner planner, PageserverMetrics metrics,
                           long waitMillis, BiFunction<Timeline, Long, Future<PinnedChain>> chains) {
    this.chains = chains;
    this.vertx = vertx;
    this.timelines = timelines;
    this.planner = planner;
    this.metrics = metrics;
    this.waitMillis = waitMillis;
  }

  public void mount(GrpcServer grpc) {
    grpc.callHandler(PageserverGrpcService.GetBasebackup,
        request -> request.handler(body -> serve(body, request.response())));
  }

  private void serve(BasebackupRequest request, GrpcServerResponse<BasebackupRequest, TarChunk> response) {
    long begin = System.nanoTime();
    Timeline timeline;
    try {
      timeline = timelines.get(request.getTenantId(), request.getTimelineId());
    } catch (PageserverException unknown) {
      refuse(response, unknown);
      return;
    }
    ingested(timeline, request.getLsn(), response)
        .compose(reached -> vertx.executeBlocking(() -> {
          long at = request.getLsn() == 0 ? timeline.lastRecordLsn() : request.getLsn();
          timeline.checkStartable(at);
          return at;
        }, false))
        // The chain's images stay on local disk (pinned) until the whole tar is sent.
        .compose(at -> chains.apply(timeline, at).compose(pinned -> vertx.executeBlocking(
            () -> planner.plan(timeline, at, pinned.chain(), request.getLazyMinBytes()), false)
            .onFailure(failure -> pinned.close())
            .map(plan -> new Pinned(plan, pinned, System.nanoTime()))))
        .onFailure(failure -> refuse(response, failure))
        .onSuccess(pinned -> new TarStreamer(vertx, pinned.plan(), response).run().onComplete(sent -> {
          pinned.chain().close();
          BasebackupPlan plan = pinned.plan();
          if (sent.succeeded()) {
            metrics.basebackupSent(sent.result().bytes(), System.nanoTime() - begin);
            LOG.info("Basebackup of {}/{} at {} (image {}): {} KB in {} ms (planned in {} ms, {} ms producing the tar)",
                plan.tenantId(), plan.timelineId(), Lsn.format(plan.lsn()), Lsn.format(plan.image().lsn()),
                sent.result().bytes() / 1024, (System.nanoTime() - begin) / 1_000_000,
                (pinned.plannedAt() - begin) / 1_000_000, sent.result().producingNanos() / 1_000_000);
          } else {
            LOG.warn("Basebackup of {}/{} at {} failed: {}", plan.tenantId(), plan.timelineId(),
                Lsn.format(plan.lsn()), sent.cause().getMessage());
            refuse(response, sent.cause());
          }
        }));
  }

  private record Pinned(BasebackupPlan plan, PinnedChain chain, long plannedAt) {}

  /**
   * Completes once the timeline has ingested {@code lsn} (at once for 0 or an ingested LSN); after
   * {@code waitMillis} fails OUT_OF_RANGE naming the ingested end. Whether {@code lsn} is a record boundary is
   * checked after, by the planner. A client that goes away stops the wait.
   */
  private Future<Void> ingested(Timeline timeline, long lsn, GrpcServerResponse<?, ?> response) {
    if (lsn == 0 || Lsn.compare(lsn, timeline.lastRecordLsn()) <= 0) {
      return Future.succeededFuture();
    }
    long begin = System.nanoTime();
    LsnWaiters.Waiter waiter = timeline.lsnWaiters().waitFor(lsn, vertx.getOrCreateContext());
    metrics.basebackupWaiting(1);
    long timer = vertx.setTimer(Math.max(1, waitMillis), id -> waiter.fail(PageserverException.outOfRange("LSN "
        + Lsn.format(lsn) + " is beyond the ingested end " + Lsn.format(timeline.lastRecordLsn()) + " of timeline "
        + timeline.tenantId() + "/" + timeline.timelineId() + " (waited " + waitMillis + " ms for ingest)")));
    response.exceptionHandler(gone -> waiter.fail(new IllegalStateException("the receiver went away: " + gone)));
    return waiter.future().onComplete(done -> {
      vertx.cancelTimer(timer);
      metrics.basebackupWaiting(-1);
      if (done.succeeded()) {
        LOG.info("Basebackup of {}/{} at {} waited {} ms for ingest", timeline.tenantId(), timeline.timelineId(),
            Lsn.format(lsn), (System.nanoTime() - begin) / 1_000_000);
      }
    });
  }

  private static void refuse(GrpcServerResponse<?, ?> response, Throwable failure) {
    GrpcRefusals.refuse(response, failure, "Basebackup");
  }
}
