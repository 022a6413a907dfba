package dev.argondb.controlplane;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;

/** A deployed control plane: where its REST API listens, and how to shut it down. */
public final class ControlPlaneHandle {
  private final Vertx vertx;
  private final int httpPort;
  private final List<String> deploymentIds;
  private final Pool pool;

  ControlPlaneHandle(Vertx vertx, int httpPort, List<String> deploymentIds, Pool pool) {
    this.vertx = vertx;
    this.httpPort = httpPort;
    this.deploymentIds = List.copyOf(deploymentIds);
    this.pool = pool;
  }

  /** The REST API's port (the one picked by the OS when the configured port was 0). */
  public int httpPort() {
    return httpPort;
  }

  /** Undeploys the verticles (the HTTP server first) and closes the database pool. */
  public Future<Void> close() {
    return undeployAll(vertx, deploymentIds).eventually(pool::close);
  }

  /** Undeploys in reverse order of deployment, so the API stops taking requests before the rest goes. */
  static Future<Void> undeployAll(Vertx vertx, List<String> deploymentIds) {
    List<String> reversed = new ArrayList<>(deploymentIds);
    java.util.Collections.reverse(reversed);
    Future<Void> chain = Future.succeededFuture();
    for (String id : reversed) {
      chain = chain.transform(previous -> vertx.undeploy(id));
    }
    return chain;
  }
}
