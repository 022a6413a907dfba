package dev.argondb.gateway;

import dev.argondb.bus.Bus;
import dev.argondb.bus.BusAddresses;
import dev.argondb.bus.RoleChanged;
import dev.argondb.bus.RoleVerifier;
import dev.argondb.bus.RoleVerifierLookup;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Role verifiers from the control plane, kept for a short TTL so a burst of connections asks once. A role change
 * ({@link BusAddresses#ROLE_CHANGED}, published by the control plane when it stores the change) drops the entry
 * at once, so a reset password or a dropped role takes effect for the next connection; the TTL bounds the damage
 * of a lost event. A lookup that was in flight when any role changed is answered but not kept: it may have read
 * the old verifier. Unknown roles are kept too (a role creation drops them), unknown endpoints are not.
 * One per gateway verticle, used from its event loop only.
 */
final class RoleVerifiers {
  private record Entry(RoleVerifier verifier, long expiresAtNanos) {}

  private final EventBus bus;
  private final long timeoutMillis;
  private final long ttlNanos;
  private final Map<String, Entry> cache = new HashMap<>();
  /** Endpoint name → tenant id, learned from lookups, to find the endpoints a role change touches. */
  private final Map<String, String> tenantOfEndpoint = new HashMap<>();
  private long generation;

  RoleVerifiers(EventBus bus, long timeoutMillis, long ttlMillis) {
    this.bus = bus;
    this.timeoutMillis = timeoutMillis;
    this.ttlNanos = ttlMillis * 1_000_000L;
  }

  Future<RoleVerifier> lookup(String endpoint, String role) {
    String key = endpoint + '\0' + role;
    Entry entry = cache.get(key);
    long now = System.nanoTime();
    if (entry != null && now - entry.expiresAtNanos() < 0) {
      return Future.succeededFuture(entry.verifier());
    }
    long generationBefore = generation;
    return Bus.request(bus, BusAddresses.ROLE_VERIFIER_LOOKUP, new RoleVerifierLookup(endpoint, role),
        RoleVerifier.class, timeoutMillis).onSuccess(found -> {
          if (tenantOfEndpoint.size() > 100_000) {
            tenantOfEndpoint.clear(); // endpoint names come from clients; only real ones get here, but bound it
          }
          tenantOfEndpoint.put(endpoint, found.tenantId());
          if (ttlNanos > 0 && generation == generationBefore) {
            if (cache.size() > 100_000) {
              cache.clear();
            }
            cache.put(key, new Entry(found, System.nanoTime() + ttlNanos));
          }
        });
  }

  /** Drops what is known of the changed role; returns the endpoints of its tenant (their pools hold it). */
  List<String> onRoleChanged(RoleChanged change) {
    generation++;
    List<String> endpoints = new ArrayList<>();
    tenantOfEndpoint.forEach((endpoint, tenant) -> {
      if (tenant.equals(change.tenantId())) {
        endpoints.add(endpoint);
        cache.remove(endpoint + '\0' + change.roleName());
      }
    });
    return endpoints;
  }
}
