package dev.argondb.gateway;

/**
 * What a gateway remembers between client connections, to make a new connection cheap.
 *
 * @param poolSizePerKey   idle server connections kept per (endpoint, role, startup parameters) and gateway
 *                         verticle; 0 turns the pool off (every client gets a fresh backend)
 * @param poolIdleMillis   an idle pooled connection is closed after this long, so a quiet endpoint does not
 *                         keep backends open
 * @param verifierTtlMillis how long a role's verifier is reused without asking the control plane (role changes
 *                         drop it at once through {@link dev.argondb.bus.BusAddresses#ROLE_CHANGED})
 * @param addressTtlMillis how long a running endpoint's address is reused without a wake request (compute state
 *                         events and connect failures drop it at once)
 */
public record ReuseSettings(int poolSizePerKey, long poolIdleMillis, long verifierTtlMillis, long addressTtlMillis) {
  public ReuseSettings {
    if (poolSizePerKey < 0) {
      throw new IllegalArgumentException("poolSizePerKey must be >= 0, got " + poolSizePerKey);
    }
    if (poolIdleMillis < 1 || verifierTtlMillis < 0 || addressTtlMillis < 0) {
      throw new IllegalArgumentException("poolIdleMillis must be >= 1, the TTLs >= 0 (0 = no cache)");
    }
  }

  /** PgBouncer-like: 32 idle connections per key and verticle, closed after 30 s; caches of 10 s. */
  public static ReuseSettings defaults() {
    return new ReuseSettings(32, 30_000, 10_000, 10_000);
  }

  public ReuseSettings withPool(int size, long idleMillis) {
    return new ReuseSettings(size, idleMillis, verifierTtlMillis, addressTtlMillis);
  }

  public ReuseSettings withCacheTtls(long verifierMillis, long addressMillis) {
    return new ReuseSettings(poolSizePerKey, poolIdleMillis, verifierMillis, addressMillis);
  }
}
