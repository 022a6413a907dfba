package dev.argondb.gateway;

import dev.argondb.gateway.protocol.BackendKeyData;
import java.util.HashMap;
import java.util.Map;

/**
 * The backend keys of the connections this gateway relays, so a cancel request arriving on a new
 * connection reaches the compute that runs the query. Computes are reached by address, not by key
 * alone, because two computes may hand out the same process id. Used from the gateway verticle's
 * event loop only.
 */
final class CancelKeys {
  private final Map<BackendKeyData, CancelTarget> targets = new HashMap<>();

  void register(BackendKeyData key, CancelTarget target) {
    targets.put(key, target);
  }

  /** Forgets {@code key} unless another connection has since registered the same key. */
  void unregister(BackendKeyData key, CancelTarget target) {
    targets.remove(key, target);
  }

  CancelTarget lookup(BackendKeyData key) {
    return targets.get(key);
  }

  int size() {
    return targets.size();
  }
}
