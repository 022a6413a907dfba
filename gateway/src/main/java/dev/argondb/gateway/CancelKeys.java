package dev.argondb.gateway;

import dev.argondb.gateway.protocol.BackendKeyData;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;
import java.security.SecureRandom;

/**
 * The cancel keys this gateway hands to clients, each mapped to the compute and the compute's own key. A
 * client gets a random key of the gateway's, never the compute's: a compute's process ids are guessable and
 * repeat across computes. The map is Vert.x's cluster-wide async map (Hazelcast when clustered), because a
 * client's cancel request may reach another gateway instance than its session did.
 */
final class CancelKeys {
  static final String MAP_NAME = "argon.gateway.cancel-keys";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final AsyncMap<String, String> targets;

  private CancelKeys(AsyncMap<String, String> targets) {
    this.targets = targets;
  }

  static Future<CancelKeys> open(Vertx vertx) {
    return vertx.sharedData().<String, String>getAsyncMap(MAP_NAME).map(CancelKeys::new);
  }

  /** A fresh random key (64 random bits: collisions are not a practical concern). */
  static BackendKeyData newKey() {
    return new BackendKeyData(RANDOM.nextInt(), RANDOM.nextInt());
  }

  Future<Void> register(BackendKeyData key, CancelTarget target) {
    return targets.put(id(key), target.encode());
  }

  Future<Void> unregister(BackendKeyData key) {
    return targets.remove(id(key)).mapEmpty();
  }

  /** The target of {@code key}, or null when no session holds it. */
  Future<CancelTarget> lookup(BackendKeyData key) {
    return targets.get(id(key)).map(encoded -> encoded == null ? null : CancelTarget.decode(encoded));
  }

  private static String id(BackendKeyData key) {
    return Integer.toHexString(key.processId()) + ":" + Integer.toHexString(key.secretKey());
  }
}
