package dev.argondb.controlplane.lifecycle;

import dev.argondb.controlplane.ControlPlaneMetrics;
import dev.argondb.controlplane.db.InventoryStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Keeps the tenant, timeline and endpoints-by-state gauges up to date by counting rows periodically. */
public final class InventoryMetricsVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(InventoryMetricsVerticle.class);
  /** Gauges are scraped every ~15 s: counting more often would only load the database. */
  static final long REFRESH_INTERVAL_MILLIS = 5_000;

  private final InventoryStore inventory;
  private final ControlPlaneMetrics metrics;
  private long timer = -1;
  private boolean refreshing;

  public InventoryMetricsVerticle(InventoryStore inventory, ControlPlaneMetrics metrics) {
    this.inventory = inventory;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(REFRESH_INTERVAL_MILLIS, tick -> refresh());
    return refresh();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  private Future<Void> refresh() {
    if (refreshing) {
      return Future.succeededFuture();
    }
    refreshing = true;
    return inventory.count()
        .onComplete(done -> refreshing = false)
        .onSuccess(counts -> metrics.inventory(counts.tenants(), counts.timelines(), counts.endpointsByState()))
        .onFailure(failure -> LOG.warn("Could not count inventory for metrics: {}", failure.getMessage()))
        .<Void>mapEmpty()
        .recover(failure -> Future.succeededFuture());
  }
}
