package dev.argondb.controlplane.roles;

import dev.argondb.bus.BusAddresses;
import dev.argondb.bus.RoleChanged;
import io.vertx.core.eventbus.EventBus;

/**
 * Tells gateways that a role changed, right after the change is stored and before computes are synced, so the
 * REST call that changed it returns only after the event went out: a gateway drops its cached verifier (and its
 * pooled connections of the role), and an old password stops working at once.
 */
public final class RoleChangeEvents {
  private RoleChangeEvents() {}

  public static void publish(EventBus bus, String tenantId, String roleName) {
    bus.publish(BusAddresses.ROLE_CHANGED, new RoleChanged(tenantId, roleName));
  }
}
