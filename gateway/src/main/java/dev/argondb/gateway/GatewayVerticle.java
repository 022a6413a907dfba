package dev.argondb.gateway;

import dev.argondb.observability.ObservabilityRoutes;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.ext.web.Router;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one gateway: the Postgres listener, whose every connection becomes a {@link ClientSession},
 * and the {@code /metrics} + {@code /health} HTTP server. Deploy a single instance: the sessions
 * share wake coalescing and cancel keys through this verticle's event loop.
 */
public final class GatewayVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);

  private final GatewayConfig config;
  private final PrometheusMeterRegistry registry;
  private GatewayMetrics metrics;
  private NetClient computeClient;
  private NetServer proxyServer;
  private HttpServer httpServer;
  private volatile int actualPort = -1;
  private volatile int actualHttpPort = -1;

  public GatewayVerticle(GatewayConfig config, PrometheusMeterRegistry registry) {
    this.config = config;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    metrics = new GatewayMetrics(registry, Duration.ofMillis(config.wakeTimeoutMillis()));
    computeClient = vertx.createNetClient(new NetClientOptions()
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, config.computeConnectTimeoutMillis())));
    ProxyServices services = new ProxyServices(vertx, config, computeClient,
        new EndpointWaker(vertx.eventBus(), config.wakeTimeoutMillis(), metrics), new CancelKeys(),
        new EndpointActivity(vertx.eventBus(), config.gatewayId(), metrics), metrics);

    proxyServer = vertx.createNetServer(new NetServerOptions().setHost(config.host()).setPort(config.port()))
        .connectHandler(socket -> new ClientSession(services, socket).start());
    Router router = Router.router(vertx);
    ObservabilityRoutes.mount(router, "gateway", registry, this::health);
    httpServer = vertx.createHttpServer().requestHandler(router);

    return proxyServer.listen()
        .compose(proxy -> {
          actualPort = proxy.actualPort();
          return httpServer.listen(config.httpPort(), config.httpHost());
        })
        .onSuccess(http -> {
          actualHttpPort = http.actualPort();
          LOG.info("gateway {} listening for Postgres on {}:{}, metrics on http://{}:{}/metrics", config.gatewayId(),
              config.host(), actualPort, config.httpHost(), actualHttpPort);
        });
  }

  @Override
  public Future<?> stop() {
    return Future.join(proxyServer.close(), httpServer.close(), computeClient.close());
  }

  /** The Postgres port actually bound (useful when the config asked for 0); -1 before start. */
  public int actualPort() {
    return actualPort;
  }

  /** The {@code /metrics} port actually bound; -1 before start. */
  public int actualHttpPort() {
    return actualHttpPort;
  }

  private Future<JsonObject> health() {
    return Future.succeededFuture(new JsonObject()
        .put("gatewayId", config.gatewayId())
        .put("port", actualPort)
        .put("clientConnections", metrics.clientConnections()));
  }
}
