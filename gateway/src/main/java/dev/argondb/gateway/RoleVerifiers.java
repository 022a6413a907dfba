package dev.argondb.gateway;

import dev.argondb.bus.Bus;
import dev.argondb.bus.BusAddresses;
import dev.argondb.bus.RoleVerifier;
import dev.argondb.bus.RoleVerifierLookup;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;

/**
 * Asks the control plane for a role's verifier on every login. Not cached: a reset password or a deleted
 * role takes effect for the next connection, and the lookup is one indexed query.
 */
final class RoleVerifiers {
  private final EventBus bus;
  private final long timeoutMillis;

  RoleVerifiers(EventBus bus, long timeoutMillis) {
    this.bus = bus;
    this.timeoutMillis = timeoutMillis;
  }

  Future<RoleVerifier> lookup(String endpoint, String role) {
    return Bus.request(bus, BusAddresses.ROLE_VERIFIER_LOOKUP, new RoleVerifierLookup(endpoint, role),
        RoleVerifier.class, timeoutMillis);
  }
}
