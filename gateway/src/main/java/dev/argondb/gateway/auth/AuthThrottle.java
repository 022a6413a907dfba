package dev.argondb.gateway.auth;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down password guessing: after repeated failed logins from one address, each further failure is
 * answered only after a delay that doubles per failure (capped), so a guesser gets a few tries a second
 * at most per connection. A success or a quiet minute forgets the address. Shared by every gateway
 * verticle instance (thread-safe), and bounded so a scan of many addresses cannot grow it without end.
 */
public final class AuthThrottle {
  /** Failures answered at once; later ones wait. */
  private static final int FREE_FAILURES = 2;
  private static final long BASE_DELAY_MILLIS = 100;
  private static final long MAX_DELAY_MILLIS = 5_000;
  private static final long FORGET_AFTER_MILLIS = 60_000;
  private static final int MAX_TRACKED_ADDRESSES = 100_000;

  private record Failures(int count, long lastMillis) {}

  private final Map<String, Failures> failures = new ConcurrentHashMap<>();

  /** Records a failed login from {@code address}; returns how long to wait before answering it. */
  public long failed(String address) {
    long now = System.currentTimeMillis();
    if (failures.size() >= MAX_TRACKED_ADDRESSES) {
      failures.values().removeIf(entry -> now - entry.lastMillis() > FORGET_AFTER_MILLIS);
      if (failures.size() >= MAX_TRACKED_ADDRESSES) {
        failures.clear(); // under a scan of this size, forgetting beats unbounded memory
      }
    }
    Failures updated = failures.compute(address, (key, previous) ->
        previous == null || now - previous.lastMillis() > FORGET_AFTER_MILLIS
            ? new Failures(1, now)
            : new Failures(previous.count() + 1, now));
    int beyondFree = updated.count() - FREE_FAILURES;
    if (beyondFree <= 0) {
      return 0;
    }
    return Math.min(MAX_DELAY_MILLIS, BASE_DELAY_MILLIS << Math.min(beyondFree - 1, 16));
  }

  public void succeeded(String address) {
    failures.remove(address);
  }
}
