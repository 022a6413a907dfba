package dev.argondb.gateway;

import dev.argondb.bus.BusAddresses;
import dev.argondb.bus.ComputeState;
import dev.argondb.bus.ComputeStateChanged;
import dev.argondb.bus.RoleChanged;
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
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One gateway event loop: a Postgres listener whose every connection becomes a {@link ClientSession}. Several
 * instances may share the port (Vert.x balances connections across them); the primary one also serves
 * {@code /metrics} and {@code /health}. Instances share {@link GatewayShared}; wake coalescing per instance
 * is enough because the control plane shares one compute start among all wakes of an endpoint.
 */
public final class GatewayVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);
  /** Verifier lookups are one indexed query; a control plane that takes longer is in trouble. */
  private static final long VERIFIER_LOOKUP_TIMEOUT_MILLIS = 10_000;

  private final GatewayConfig config;
  private final PrometheusMeterRegistry registry;
  private final GatewayShared shared;
  private final boolean primary;
  private final ReuseSettings reuse;
  private ServerConnectionPool pool;
  private NetClient computeClient;
  private NetServer proxyServer;
  private HttpServer httpServer;
  private volatile int actualPort = -1;
  private volatile int actualHttpPort = -1;

  GatewayVerticle(GatewayConfig config, ReuseSettings reuse, PrometheusMeterRegistry registry, GatewayShared shared,
                  boolean primary) {
    this.config = config;
    this.reuse = reuse;
    this.registry = registry;
    this.shared = shared;
    this.primary = primary;
  }

  @Override
  public Future<?> start() {
    computeClient = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true)
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, config.computeConnectTimeoutMillis())));
    pool = new ServerConnectionPool(vertx, reuse, shared.metrics());
    EndpointWaker waker = new EndpointWaker(vertx.eventBus(), config.wakeTimeoutMillis(), reuse.addressTtlMillis(),
        shared.metrics());
    RoleVerifiers verifiers = new RoleVerifiers(vertx.eventBus(), VERIFIER_LOOKUP_TIMEOUT_MILLIS,
        reuse.verifierTtlMillis());
    // What the caches and the pool hold stops being valid when a compute stops or moves, or a role changes.
    Future<Void> computeEvents = vertx.eventBus().<ComputeStateChanged>consumer(BusAddresses.COMPUTE_STATE,
        message -> {
          waker.onComputeState(message.body());
          if (message.body().state() != ComputeState.RUNNING) {
            pool.closeEndpoint(message.body().endpointId());
          }
        }).completion();
    Future<Void> roleEvents = vertx.eventBus().<RoleChanged>consumer(BusAddresses.ROLE_CHANGED, message -> {
      for (String endpoint : verifiers.onRoleChanged(message.body())) {
        pool.closeRole(endpoint, message.body().roleName());
      }
    }).completion();
    return Future.all(computeEvents, roleEvents).compose(subscribed -> CancelKeys.open(vertx)).compose(cancelKeys -> {
      ProxyServices services = new ProxyServices(vertx, config, computeClient, waker, cancelKeys, verifiers, pool,
          shared);
      proxyServer = vertx.createNetServer(serverOptions())
          .connectHandler(socket -> new ClientSession(services, socket).start());
      return proxyServer.listen();
    }).compose(proxy -> {
      actualPort = proxy.actualPort();
      if (!primary) {
        return Future.succeededFuture();
      }
      Router router = Router.router(vertx);
      ObservabilityRoutes.mount(router, "gateway", registry, this::health);
      httpServer = vertx.createHttpServer().requestHandler(router);
      return httpServer.listen(config.httpPort(), config.httpHost()).onSuccess(http -> {
        actualHttpPort = http.actualPort();
        LOG.info("gateway {} listening for Postgres on {}:{} ({}), metrics on http://{}:{}/metrics",
            config.gatewayId(), config.host(), actualPort, config.tlsEnabled()
                ? "TLS with " + config.tlsCertPath() + (config.requireTls() ? ", required for non-loopback" : "")
                : "no TLS", config.httpHost(), actualHttpPort);
      });
    });
  }

  private NetServerOptions serverOptions() {
    NetServerOptions options = new NetServerOptions().setHost(config.host()).setPort(config.port())
        .setTcpNoDelay(true);
    if (config.tlsEnabled()) {
      // TLS starts only after the SSLRequest exchange, so the listener itself is plain (setSsl(false)); SNI
      // must be on for indicatedServerName() to report the name the client asked for.
      options.setSsl(false).setSni(true).setKeyCertOptions(keyCert());
    }
    return options;
  }

  private PemKeyCertOptions keyCert() {
    return new PemKeyCertOptions().setCertPath(config.tlsCertPath()).setKeyPath(config.tlsKeyPath());
  }


  @Override
  public Future<?> stop() {
    if (pool != null) {
      pool.closeAll();
    }
    return Future.join(proxyServer == null ? Future.succeededFuture() : proxyServer.close(),
        httpServer == null ? Future.succeededFuture() : httpServer.close(), computeClient.close());
  }

  /** The Postgres port actually bound (useful when the config asked for 0); -1 before start. */
  public int actualPort() {
    return actualPort;
  }

  /** The {@code /metrics} port actually bound; -1 before start or on a non-primary instance. */
  public int actualHttpPort() {
    return actualHttpPort;
  }

  private Future<JsonObject> health() {
    return Future.succeededFuture(new JsonObject()
        .put("gatewayId", config.gatewayId())
        .put("port", actualPort)
        .put("tls", config.tlsEnabled())
        .put("instances", config.effectiveInstances())
        .put("clientConnections", shared.metrics().clientConnections())
        .put("pooledConnections", shared.metrics().pooledConnections()));
  }
}
