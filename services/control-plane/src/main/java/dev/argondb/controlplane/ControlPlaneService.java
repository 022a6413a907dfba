package dev.argondb.controlplane;

import dev.argondb.bus.BusCodecs;
import dev.argondb.controlplane.api.RestApiVerticle;
import dev.argondb.controlplane.db.Database;
import dev.argondb.controlplane.db.EndpointStore;
import dev.argondb.controlplane.db.InventoryStore;
import dev.argondb.controlplane.db.RoleStore;
import dev.argondb.controlplane.db.SchemaMigrator;
import dev.argondb.controlplane.db.TenantStore;
import dev.argondb.controlplane.db.TermStore;
import dev.argondb.controlplane.db.TimelineStore;
import dev.argondb.controlplane.lifecycle.EndpointLifecycleVerticle;
import dev.argondb.controlplane.lifecycle.IdleSuspendVerticle;
import dev.argondb.controlplane.lifecycle.InventoryMetricsVerticle;
import dev.argondb.controlplane.wal.PageserverIngest;
import dev.argondb.controlplane.wal.SafekeeperFollowers;
import dev.argondb.controlplane.wal.SafekeeperSet;
import dev.argondb.controlplane.wal.TimelineElection;
import dev.argondb.controlplane.roles.RoleVerifierVerticle;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deploys a control plane into a Vert.x instance: migrates its database, then the endpoint lifecycle,
 * idle-suspend and inventory-metrics verticles, then the REST API (last, so no request arrives before
 * the rest is ready).
 */
public final class ControlPlaneService {
  private static final Logger LOG = LoggerFactory.getLogger(ControlPlaneService.class);
  /** How long a request to one safekeeper may take (preparing a term may copy WAL from a peer). */
  private static final long SAFEKEEPER_TIMEOUT_MILLIS = 30_000;
  private static final long PAGESERVER_TIMEOUT_MILLIS = 30_000;

  private ControlPlaneService() {}

  public static Future<ControlPlaneHandle> deploy(Vertx vertx, ControlPlaneConfig config,
                                                  PrometheusMeterRegistry registry) {
    BusCodecs.registerAll(vertx.eventBus());
    Pool pool;
    try {
      pool = Database.connect(vertx, config.databaseUrl());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(new IllegalArgumentException("invalid control-plane database URL", e));
    }
    TenantStore tenants = new TenantStore(pool);
    TimelineStore timelines = new TimelineStore(pool);
    EndpointStore endpoints = new EndpointStore(pool);
    RoleStore roles = new RoleStore(pool);
    ControlPlaneMetrics metrics = new ControlPlaneMetrics(registry);
    RestApiVerticle api = new RestApiVerticle(config, tenants, timelines, endpoints, roles, registry,
        () -> Database.health(pool));
    // Suspends go through the lifecycle verticle, which may first wait for a start: allow for both.
    long suspendRequestTimeout = 2 * config.computeStartTimeoutMillis() + 5_000;
    List<String> deployed = new ArrayList<>();
    SafekeeperSet safekeepers = new SafekeeperSet(config.safekeepers(), config.walQuorum());
    TimelineElection election = safekeepers.isEmpty() ? null
        : new TimelineElection(vertx.eventBus(), safekeepers, new TermStore(pool), SAFEKEEPER_TIMEOUT_MILLIS);
    SafekeeperFollowers followers = safekeepers.isEmpty() ? null
        : new SafekeeperFollowers(vertx, safekeepers, SAFEKEEPER_TIMEOUT_MILLIS);

    return SchemaMigrator.migrate(vertx, pool)
        .onSuccess(applied -> LOG.info("Control-plane schema current ({} migration(s) applied)", applied))
        .compose(migrated -> deploy(vertx, deployed, new EndpointLifecycleVerticle(endpoints, roles, metrics,
            config.computeStartTimeoutMillis(), election, followers, config.pageserver(),
            config.pageserver() == null ? null
                : new PageserverIngest(vertx.eventBus(), config.safekeepers(), PAGESERVER_TIMEOUT_MILLIS))))
        .compose(done -> deploy(vertx, deployed, new IdleSuspendVerticle(endpoints, config.idleCheckIntervalMillis(),
            suspendRequestTimeout)))
        .compose(done -> deploy(vertx, deployed, new RoleVerifierVerticle(roles)))
        .compose(done -> deploy(vertx, deployed, new InventoryMetricsVerticle(new InventoryStore(pool), metrics)))
        .compose(done -> config.pageserver() == null ? Future.succeededFuture()
            : deploy(vertx, deployed, new dev.argondb.controlplane.pageserver.TenantSettingsSync(tenants,
                new dev.argondb.controlplane.pageserver.PageserverTimelines(vertx.eventBus())))
                .compose(synced -> deploy(vertx, deployed, new dev.argondb.controlplane.pageserver.ReadOnlyEndpointLeases(
                    endpoints, new dev.argondb.controlplane.pageserver.PageserverTimelines(vertx.eventBus())))))
        .compose(done -> deploy(vertx, deployed, api))
        .map(done -> {
          LOG.info("Control plane listening on {}:{}", config.httpHost(), api.actualPort());
          return new ControlPlaneHandle(vertx, api.actualPort(), deployed, pool);
        })
        .recover(failure -> ControlPlaneHandle.undeployAll(vertx, deployed)
            .eventually(pool::close)
            .transform(cleaned -> Future.failedFuture(failure)));
  }

  private static Future<String> deploy(Vertx vertx, List<String> deployed, Deployable verticle) {
    return vertx.deployVerticle(verticle).onSuccess(deployed::add);
  }
}
