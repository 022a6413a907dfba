package dev.argondb.controlplane.lifecycle;

import dev.argondb.bus.ComputeState;
import dev.argondb.controlplane.db.EndpointStore;
import dev.argondb.controlplane.model.Endpoint;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At control-plane start, marks suspended the endpoints recorded as running whose compute no longer accepts
 * connections. A control plane that stopped together with its computes (the local stack's {@code argon stop},
 * a crash of a host) never heard that they went; the gateway would be handed the dead address and fail the
 * first connection instead of waking the endpoint. A compute that still answers (only the control plane
 * restarted) keeps its state. Each check is one TCP connect.
 */
final class VanishedComputes {
  private static final Logger LOG = LoggerFactory.getLogger(VanishedComputes.class);
  private static final int CONNECT_TIMEOUT_MILLIS = 2_000;

  private VanishedComputes() {
  }

  /** Completes once every running endpoint was checked; the number of endpoints marked suspended. */
  static Future<Integer> forget(Vertx vertx, EndpointStore endpoints) {
    return endpoints.listRunning().compose(running -> {
      if (running.isEmpty()) {
        return Future.succeededFuture(0);
      }
      NetClient client = vertx.createNetClient(new NetClientOptions().setConnectTimeout(CONNECT_TIMEOUT_MILLIS));
      List<Future<Boolean>> checks = new ArrayList<>();
      for (Endpoint endpoint : running) {
        Future<Void> answered = endpoint.isReachable() ? client.connect(endpoint.port(), endpoint.host()).compose(
            socket -> socket.close()) : Future.failedFuture("no address recorded");
        checks.add(answered.map(false)
            .recover(unreachable -> {
              LOG.info("Endpoint \"{}\" was recorded running at {}:{}, which does not answer ({}): suspended",
                  endpoint.name(), endpoint.host(), endpoint.port(), unreachable.getMessage());
              return endpoints.setStateIf(endpoint.id(), ComputeState.RUNNING, ComputeState.SUSPENDED, null, null);
            }));
      }
      return Future.join(checks).eventually(client::close)
          .map(done -> (int) checks.stream().filter(check -> check.succeeded() && check.result()).count());
    });
  }
}
