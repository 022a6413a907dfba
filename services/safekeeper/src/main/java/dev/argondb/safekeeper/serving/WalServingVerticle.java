package dev.argondb.safekeeper.serving;

import dev.argondb.bus.grpc.ReadWalRequest;
import dev.argondb.bus.grpc.SafekeeperWalGrpcService;
import dev.argondb.bus.grpc.StreamWalRequest;
import dev.argondb.bus.grpc.WalChunk;
import dev.argondb.pgformat.Lsn;
import dev.argondb.safekeeper.SafekeeperConfig;
import dev.argondb.safekeeper.timeline.SafekeeperTimeline;
import dev.argondb.safekeeper.timeline.TimelineKey;
import dev.argondb.safekeeper.timeline.TimelineRegistry;
import dev.argondb.observability.ObservabilityRoutes;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The safekeeper's HTTP server: gRPC {@code SafekeeperWal} ({@code ReadWal} of any fsynced range,
 * {@code StreamWal} of committed WAL, live), {@code /metrics}, {@code /health} and
 * {@code GET /v1/timelines}. Reads timeline positions, never changes them.
 */
public final class WalServingVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(WalServingVerticle.class);

  private final SafekeeperConfig config;
  private final TimelineRegistry registry;
  private final PrometheusMeterRegistry metrics;
  private HttpServer server;

  public WalServingVerticle(SafekeeperConfig config, TimelineRegistry registry, PrometheusMeterRegistry metrics) {
    this.config = config;
    this.registry = registry;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    GrpcServer grpc = GrpcServer.server(vertx);
    grpc.callHandler(SafekeeperWalGrpcService.ReadWal, request -> request.handler(read -> readWal(read, request.response())));
    grpc.callHandler(SafekeeperWalGrpcService.StreamWal,
        request -> request.handler(stream -> streamWal(stream, request.response())));
    Router router = Router.router(vertx);
    router.route().consumes("application/grpc").handler(rc -> grpc.handle(rc.request()));
    ObservabilityRoutes.mount(router, "safekeeper", metrics,
        () -> Future.succeededFuture(new JsonObject().put("id", config.id()).put("timelines", registry.all().size())));
    router.get("/v1/timelines").handler(rc -> rc.response().putHeader("content-type", "application/json")
        .end(timelines().encode()));
    return vertx.createHttpServer().requestHandler(router).listen(config.httpPort(), config.host())
        .onSuccess(s -> server = s);
  }

  public int actualPort() {
    return server.actualPort();
  }

  private JsonObject timelines() {
    JsonArray list = new JsonArray();
    for (SafekeeperTimeline t : registry.all()) {
      list.add(new JsonObject().put("tenant_id", t.key.tenantId()).put("timeline_id", t.key.timelineId())
          .put("term", t.term).put("start_lsn", Lsn.format(t.startLsn)).put("flush_lsn", Lsn.format(t.recordFlushLsn))
          .put("commit_lsn", Lsn.format(t.commitLsn))
          .put("following", t.following == null ? null : t.following.host() + ":" + t.following.port()));
    }
    return new JsonObject().put("safekeeper", config.id()).put("timelines", list);
  }

  private void readWal(ReadWalRequest request, GrpcServerResponse<ReadWalRequest, WalChunk> response) {
    SafekeeperTimeline timeline = registry.get(new TimelineKey(request.getTenantId(), request.getTimelineId()));
    long start = request.getStartLsn();
    long end = request.getEndLsn();
    if (timeline == null) {
      refuse(response, GrpcStatus.NOT_FOUND, "no timeline " + request.getTenantId() + "/" + request.getTimelineId());
      return;
    }
    long flushed = timeline.writer.flushLsn();
    if (start < timeline.startLsn || end > flushed || start > end) {
      refuse(response, GrpcStatus.OUT_OF_RANGE, "WAL " + Lsn.format(start) + ".." + Lsn.format(end)
          + " is not held here (" + Lsn.format(timeline.startLsn) + ".." + Lsn.format(flushed) + ")");
      return;
    }
    new WalRangeSender(vertx, timeline, response, start, () -> end, false).run()
        .onSuccess(sent -> response.end())
        .onFailure(failure -> refuse(response, GrpcStatus.INTERNAL, failure.getMessage()));
  }

  private void streamWal(StreamWalRequest request, GrpcServerResponse<StreamWalRequest, WalChunk> response) {
    SafekeeperTimeline timeline = registry.get(new TimelineKey(request.getTenantId(), request.getTimelineId()));
    if (timeline == null) {
      refuse(response, GrpcStatus.NOT_FOUND, "no timeline " + request.getTenantId() + "/" + request.getTimelineId());
      return;
    }
    if (request.getStartLsn() < timeline.startLsn) {
      refuse(response, GrpcStatus.OUT_OF_RANGE, "WAL before " + Lsn.format(timeline.startLsn) + " is not held here");
      return;
    }
    // Only committed WAL (above the commit LSN a new term may still cut it), and only what this safekeeper
    // holds: it may know a commit LSN from its peers that it has not received itself yet.
    new WalRangeSender(vertx, timeline, response, request.getStartLsn(),
        () -> Math.min(timeline.commitLsn, timeline.writer.flushLsn()), true).run()
        .onFailure(failure -> refuse(response, GrpcStatus.INTERNAL, failure.getMessage()));
  }

  private void refuse(GrpcServerResponse<?, ?> response, GrpcStatus status, String message) {
    LOG.info("Safekeeper {}: refused a WAL request: {}", config.id(), message);
    response.status(status).statusMessage(message).end();
  }
}
