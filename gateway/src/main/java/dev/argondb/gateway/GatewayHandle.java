package dev.argondb.gateway;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;

/** A deployed gateway: its deployments (undeploy them to stop) and the ports it actually bound. */
public record GatewayHandle(List<String> deploymentIds, int port, int httpPort) {
  public Future<Void> undeploy(Vertx vertx) {
    List<Future<Void>> undeployed = new ArrayList<>();
    for (int i = deploymentIds.size() - 1; i >= 0; i--) {
      undeployed.add(vertx.undeploy(deploymentIds.get(i)));
    }
    return Future.all(undeployed).mapEmpty();
  }
}
