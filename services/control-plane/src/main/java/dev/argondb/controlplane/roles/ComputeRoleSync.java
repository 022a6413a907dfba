package dev.argondb.controlplane.roles;

import dev.argondb.bus.Bus;
import dev.argondb.bus.BusAddresses;
import dev.argondb.bus.ComputeRolesSynced;
import dev.argondb.bus.SyncComputeRoles;
import dev.argondb.controlplane.db.EndpointStore;
import dev.argondb.controlplane.db.RoleStore;
import dev.argondb.controlplane.model.Endpoint;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes a tenant's roles to its running computes after a role changed, so a role created or reset while
 * an endpoint runs works at once (suspended computes get them at their next start anyway). A compute that
 * cannot be reached is logged and skipped: the change is stored and applies at its next start.
 */
public final class ComputeRoleSync {
  private static final Logger LOG = LoggerFactory.getLogger(ComputeRoleSync.class);

  private final EventBus bus;
  private final EndpointStore endpoints;
  private final RoleStore roles;
  private final long timeoutMillis;

  public ComputeRoleSync(EventBus bus, EndpointStore endpoints, RoleStore roles, long timeoutMillis) {
    this.bus = bus;
    this.endpoints = endpoints;
    this.roles = roles;
    this.timeoutMillis = timeoutMillis;
  }

  /** Completes once every running compute of the tenant answered (or failed); never fails itself. */
  public Future<Void> syncTenant(String tenantId) {
    return endpoints.listByTenant(tenantId).compose(list -> {
      List<Endpoint> running = list.stream().filter(Endpoint::isReachable).toList();
      if (running.isEmpty()) {
        return Future.<Void>succeededFuture();
      }
      return roles.specsOfTenant(tenantId).compose(specs -> {
        List<Future<ComputeRolesSynced>> syncs = new ArrayList<>();
        for (Endpoint endpoint : running) {
          syncs.add(Bus.request(bus, BusAddresses.COMPUTE_SYNC_ROLES, new SyncComputeRoles(endpoint.id(), specs),
                  ComputeRolesSynced.class, timeoutMillis)
              .onFailure(failure -> LOG.warn("Could not sync roles into endpoint \"{}\": {} (applied at its next start)",
                  endpoint.name(), failure.getMessage())));
        }
        return Future.join(syncs).<Void>mapEmpty();
      });
    }).otherwiseEmpty();
  }
}
