package dev.argondb.gateway;

import dev.argondb.bus.BusCodecs;
import dev.argondb.gateway.auth.AuthThrottle;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Entry point: deploys a gateway on a (normally clustered) Vert.x whose event bus reaches the control plane. */
public final class GatewayService {
  private GatewayService() {}

  /**
   * Registers the bus codecs and deploys {@link GatewayConfig#effectiveInstances()} verticles sharing one port:
   * the primary first (it also serves /metrics), then the others, which share its listener. Completes once all listen, with the deployment ids and the actual ports.
   */
  public static Future<GatewayHandle> deploy(Vertx vertx, GatewayConfig config, PrometheusMeterRegistry registry) {
    ReuseSettings reuse = config.reuse();
    BusCodecs.registerAll(vertx.eventBus());
    GatewayMetrics metrics = new GatewayMetrics(registry, Duration.ofMillis(config.wakeTimeoutMillis()));
    GatewayShared shared = new GatewayShared(metrics,
        new EndpointActivity(vertx.eventBus(), config.gatewayId(), metrics),
        new ConnectionLimiter(config.maxConnectionsPerEndpoint()), new AuthThrottle());
    GatewayVerticle primary = new GatewayVerticle(config, reuse, registry, shared, true);
    List<String> deployments = new ArrayList<>();
    return vertx.deployVerticle(primary).compose(primaryId -> {
      deployments.add(primaryId);
      int others = config.effectiveInstances() - 1;
      if (others == 0) {
        return Future.succeededFuture();
      }
      return vertx.deployVerticle(() -> new GatewayVerticle(config, reuse, registry, shared, false),
          new DeploymentOptions().setInstances(others)).onSuccess(deployments::add);
    }).map(done -> new GatewayHandle(deployments, primary.actualPort(), primary.actualHttpPort()));
  }
}
