package dev.argondb.gateway;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps the connections one gateway holds per endpoint (authenticated and beyond), so one endpoint's
 * connection storm cannot exhaust its compute's slots or the gateway. Shared by every verticle instance.
 */
final class ConnectionLimiter {
  private final int maxPerEndpoint;
  private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

  ConnectionLimiter(int maxPerEndpoint) {
    this.maxPerEndpoint = maxPerEndpoint;
  }

  /** Takes a slot; false (and nothing taken) when the endpoint is at its limit. */
  boolean tryAcquire(String endpoint) {
    AtomicInteger count = counts.computeIfAbsent(endpoint, name -> new AtomicInteger());
    while (true) {
      int now = count.get();
      if (now >= maxPerEndpoint) {
        return false;
      }
      if (count.compareAndSet(now, now + 1)) {
        return true;
      }
    }
  }

  void release(String endpoint) {
    AtomicInteger count = counts.get(endpoint);
    if (count != null) {
      count.decrementAndGet();
    }
  }

  int maxPerEndpoint() {
    return maxPerEndpoint;
  }
}
