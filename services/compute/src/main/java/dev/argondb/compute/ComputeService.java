package dev.argondb.compute;

import dev.argondb.bus.BusCodecs;
import dev.argondb.compute.agent.ComputeAgentVerticle;
import dev.argondb.compute.agent.ComputeHttpVerticle;
import dev.argondb.compute.agent.ComputeMetrics;
import dev.argondb.compute.agent.ComputeProbesVerticle;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** Deploys the compute agent: the bus-driven agent, its statistics collector and its HTTP routes. */
public final class ComputeService {
  private ComputeService() {}

  /** A deployed agent: its HTTP port and its start counter (tests use it to count starts). */
  public record Handle(int httpPort, ComputeMetrics metrics) {}

  public static Future<Handle> deploy(Vertx vertx, ComputeConfig config, PrometheusMeterRegistry registry) {
    if (!vertx.isNativeTransportEnabled()) {
      // The agent reaches each compute over a private Unix socket, which needs epoll (ComputeAccess).
      return Future.failedFuture(new IllegalStateException(
          "the compute agent needs Vert.x's native transport (epoll); create Vert.x with preferNativeTransport"));
    }
    BusCodecs.registerAll(vertx.eventBus());
    ComputeMetrics metrics = new ComputeMetrics(registry);
    ComputeAgentVerticle agent = new ComputeAgentVerticle(config, metrics);
    ComputeHttpVerticle http = new ComputeHttpVerticle(config, registry, agent);
    return vertx.deployVerticle(agent)
        .compose(id -> vertx.deployVerticle(ComputeProbesVerticle.standard(agent, registry, config.statsIntervalMillis())))
        .compose(id -> vertx.deployVerticle(http))
        .map(id -> new Handle(http.actualPort(), metrics));
  }
}
