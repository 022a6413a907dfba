package dev.argondb.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;

/** What every client session of one gateway verticle shares; all of it lives on that verticle's event loop. */
record ProxyServices(Vertx vertx, GatewayConfig config, NetClient computeClient, EndpointWaker waker,
                     CancelKeys cancelKeys, EndpointActivity activity, GatewayMetrics metrics) {}
