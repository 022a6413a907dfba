package dev.argondb.gateway;

import dev.argondb.bus.BusCodecs;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** Entry point: deploys a gateway on a (normally clustered) Vert.x whose event bus reaches the control plane. */
public final class GatewayService {
  private GatewayService() {}

  /**
   * Registers the bus codecs and deploys one {@link GatewayVerticle}. Completes once both listeners are
   * bound, with the deployment id and the actual ports.
   */
  public static Future<GatewayHandle> deploy(Vertx vertx, GatewayConfig config, PrometheusMeterRegistry registry) {
    BusCodecs.registerAll(vertx.eventBus());
    GatewayVerticle verticle = new GatewayVerticle(config, registry);
    return vertx.deployVerticle(verticle)
        .map(deploymentId -> new GatewayHandle(deploymentId, verticle.actualPort(), verticle.actualHttpPort()));
  }
}
