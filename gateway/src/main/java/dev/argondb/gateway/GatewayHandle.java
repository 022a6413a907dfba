package dev.argondb.gateway;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** A deployed gateway: its deployment (undeploy it to stop) and the ports it actually bound. */
public record GatewayHandle(String deploymentId, int port, int httpPort) {
  public Future<Void> undeploy(Vertx vertx) {
    return vertx.undeploy(deploymentId);
  }
}
