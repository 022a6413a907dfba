package dev.argondb.pageserver.gc;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * GC leases: an LSN of a timeline that GC keeps readable until the lease expires, taken when the control plane
 * resolves a time (or the current end) to an LSN, so the branch or snapshot it then creates there finds the data
 * (Neon's lsn lease). In memory: after a restart the control plane's request simply fails and is retried.
 */
public final class GcLeases {
  public static final long MAX_LEASE_MILLIS = 10 * 60_000;

  /** timeline key → (LSN → expiry, System.nanoTime based). */
  private final Map<String, Map<Long, Long>> leases = new ConcurrentHashMap<>();

  /** Holds {@code lsn} for {@code millis} (at most {@link #MAX_LEASE_MILLIS}); a longer lease held stays. */
  public void take(String tenantId, String timelineId, long lsn, long millis) {
    long expiry = System.nanoTime() + Math.min(millis, MAX_LEASE_MILLIS) * 1_000_000;
    leases.computeIfAbsent(key(tenantId, timelineId), k -> new ConcurrentHashMap<>())
        .merge(lsn, expiry, (a, b) -> a - b > 0 ? a : b);
  }

  /** The leased LSNs of a timeline still valid (expired ones are dropped). */
  public Set<Long> live(String tenantId, String timelineId) {
    Map<Long, Long> held = leases.get(key(tenantId, timelineId));
    if (held == null) {
      return Set.of();
    }
    long now = System.nanoTime();
    held.values().removeIf(expiry -> expiry - now <= 0);
    return new HashSet<>(held.keySet());
  }

  /** Leases held over all timelines (a metric). */
  public int count() {
    long now = System.nanoTime();
    return leases.values().stream().mapToInt(m -> (int) m.values().stream().filter(e -> e - now > 0).count()).sum();
  }

  private static String key(String tenantId, String timelineId) {
    return tenantId + "/" + timelineId;
  }
}
