package dev.argondb.pageserver.pages;

import com.google.protobuf.UnsafeByteOperations;
import dev.argondb.bus.grpc.PageserverGrpcService;
import dev.argondb.bus.grpc.PagesReply;
import dev.argondb.bus.grpc.PagesRequest;
import dev.argondb.pageserver.GrpcRefusals;
import dev.argondb.pageserver.PageserverException;
import dev.argondb.pageserver.PageserverMetrics;
import dev.argondb.pageserver.timeline.Timeline;
import dev.argondb.pageserver.timeline.Timelines;
import io.vertx.core.Vertx;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerResponse;

/**
 * gRPC {@code Pageserver.GetPages}: bytes of a file a lazy basebackup left out, read from the image chain the timeline
 * sees at the request's LSN. The request, the timeline and the LSN are checked on the event loop (all in memory);
 * the bytes are read on a worker, from a chain {@link PageReadChains} keeps open between requests.
 */
public final class PagesService {
  private final Vertx vertx;
  private final Timelines timelines;
  private final PageReadChains chains;
  private final PageserverMetrics metrics;

  public PagesService(Vertx vertx, Timelines timelines, PageReadChains chains, PageserverMetrics metrics) {
    this.vertx = vertx;
    this.timelines = timelines;
    this.chains = chains;
    this.metrics = metrics;
  }

  public void mount(GrpcServer grpc) {
    grpc.callHandler(PageserverGrpcService.GetPages,
        request -> request.handler(body -> serve(body, request.response())));
  }

  /** Unpins every chain kept open (at pageserver shutdown); requests after are refused. */
  public void close() {
    chains.close();
  }

  private void serve(PagesRequest request, GrpcServerResponse<PagesRequest, PagesReply> response) {
    long begin = System.nanoTime();
    Timeline timeline;
    try {
      PagesRequests.check(request);
      timeline = timelines.get(request.getTenantId(), request.getTimelineId());
      timeline.checkReadable(request.getLsn());
    } catch (PageserverException refused) {
      refuse(response, refused);
      return;
    }
    chains.read(timeline, request.getLsn(),
            chain -> vertx.executeBlocking(() -> PagesRequests.read(chain, request), false))
        .onFailure(failure -> refuse(response, failure))
        .onSuccess(bytes -> {
          metrics.pagesServed(bytes.length, System.nanoTime() - begin);
          // A fresh array per request, never touched again: no copy needed.
          response.end(PagesReply.newBuilder().setData(UnsafeByteOperations.unsafeWrap(bytes)).build());
        });
  }

  private void refuse(GrpcServerResponse<?, ?> response, Throwable failure) {
    metrics.pagesRefused(GrpcRefusals.status(failure).name());
    GrpcRefusals.refuse(response, failure, "GetPages");
  }
}
