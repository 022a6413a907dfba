package dev.argondb.gateway;

import dev.argondb.gateway.auth.AuthThrottle;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;

/**
 * What every client session of one gateway verticle uses. The waker, compute client, verifier lookups and server
 * connection pool are per verticle (its event loop); the limiter, throttle, activity and metrics are shared by all instances, and
 * the cancel keys are cluster-wide.
 */
record ProxyServices(Vertx vertx, GatewayConfig config, NetClient computeClient, EndpointWaker waker,
                     CancelKeys cancelKeys, RoleVerifiers verifiers, ServerConnectionPool pool,
                     GatewayShared shared) {
  GatewayMetrics metrics() {
    return shared.metrics();
  }

  EndpointActivity activity() {
    return shared.activity();
  }

  ConnectionLimiter limiter() {
    return shared.limiter();
  }

  AuthThrottle throttle() {
    return shared.throttle();
  }
}
