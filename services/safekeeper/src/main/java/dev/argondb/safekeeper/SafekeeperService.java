package dev.argondb.safekeeper;

import dev.argondb.bus.BusCodecs;
import dev.argondb.bus.SafekeeperRef;
import dev.argondb.safekeeper.serving.WalServingVerticle;
import dev.argondb.safekeeper.timeline.TimelineRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** Deploys one safekeeper: its WAL-serving HTTP/gRPC server, then its bus face (which announces it). */
public final class SafekeeperService {
  private SafekeeperService() {}

  /** A deployed safekeeper: where it serves, and its deployment ids (undeploy both to stop it). */
  public record Handle(SafekeeperRef ref, String servingDeployment, String controlDeployment,
                       TimelineRegistry registry) {
    public Future<Void> undeploy(Vertx vertx) {
      return vertx.undeploy(controlDeployment).eventually(() -> vertx.undeploy(servingDeployment));
    }
  }

  public static Future<Handle> deploy(Vertx vertx, SafekeeperConfig config, PrometheusMeterRegistry registry) {
    BusCodecs.registerAll(vertx.eventBus());
    TimelineRegistry timelines = new TimelineRegistry(config);
    SafekeeperMetrics metrics = new SafekeeperMetrics(registry, config.id());
    WalServingVerticle serving = new WalServingVerticle(config, timelines, registry);
    return vertx.deployVerticle(serving).compose(servingId -> {
      SafekeeperRef ref = new SafekeeperRef(config.id(), config.host(), serving.actualPort());
      return vertx.deployVerticle(new SafekeeperVerticle(config, timelines, metrics, ref))
          .map(controlId -> new Handle(ref, servingId, controlId, timelines));
    });
  }
}
