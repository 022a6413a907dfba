package dev.argondb.gateway;

import dev.argondb.bus.PooledBackends;
import dev.argondb.gateway.BackendCommands.Command;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticated server connections kept between clients, like PgBouncer's session pool: when a client leaves
 * cleanly (Terminate while its backend is idle), its backend gets {@code DISCARD ALL} (PgBouncer's
 * server_reset_query) and waits here for the next client with the same {@link PoolKey}, who then skips the
 * backend fork and the SCRAM exchange with the compute.
 *
 * <p>A parked backend runs with {@code application_name} {@link PooledBackends#APPLICATION_NAME}, which the
 * compute agent's idle check ignores, so pooled connections never keep an endpoint from suspending; checking one
 * out resets that name (a round trip that also proves the backend is alive). Bounded: {@code poolSizePerKey}
 * per key, closed after {@code poolIdleMillis} idle, on any unexpected byte or close, and when the endpoint's
 * compute leaves the running state or one of its roles changes.
 *
 * <p>One per gateway verticle, used from its event loop only: no locks.
 */
final class ServerConnectionPool {
  private static final Logger LOG = LoggerFactory.getLogger(ServerConnectionPool.class);
  /** The gateway's own commands answer in microseconds; a backend this slow is not worth keeping. */
  private static final long COMMAND_TIMEOUT_MILLIS = 5_000;
  private static final List<Command> PARK = List.of(new Command("DISCARD ALL", "DISCARD ALL"),
      new Command("SET application_name = '" + PooledBackends.APPLICATION_NAME + "'", "SET"));
  private static final List<Command> CHECK_OUT = List.of(new Command("RESET application_name", "RESET"));

  private static final io.vertx.core.buffer.Buffer TERMINATE =
      io.vertx.core.buffer.Buffer.buffer(new byte[] {'X', 0, 0, 0, 4});

  private final Vertx vertx;
  private final ReuseSettings settings;
  private final GatewayMetrics metrics;
  private final Map<PoolKey, ArrayDeque<PooledBackend>> idle = new HashMap<>();
  /** Bumped by every drain: a backend whose reset began before one is closed rather than parked. */
  private long drains;
  private int size;
  private final long sweepTimer;

  ServerConnectionPool(Vertx vertx, ReuseSettings settings, GatewayMetrics metrics) {
    this.vertx = vertx;
    this.settings = settings;
    this.metrics = metrics;
    long interval = Math.max(10, Math.min(1_000, settings.poolIdleMillis() / 4));
    this.sweepTimer = settings.poolSizePerKey() == 0 ? -1 : vertx.setPeriodic(interval, id -> closeIdle());
  }

  boolean enabled() {
    return settings.poolSizePerKey() > 0;
  }

  /** Takes over a backend whose client left cleanly: resets and parks it, or closes it. */
  void giveBack(PoolKey key, PooledBackend backend) {
    if (!enabled()) {
      backend.socket.close();
      return;
    }
    long drainsBefore = drains;
    BackendCommands.run(vertx, backend.socket, PARK, COMMAND_TIMEOUT_MILLIS).onComplete(reset -> {
      ArrayDeque<PooledBackend> queue = idle.computeIfAbsent(key, k -> new ArrayDeque<>());
      if (reset.failed() || drains != drainsBefore || queue.size() >= settings.poolSizePerKey()) {
        if (reset.failed()) {
          LOG.debug("not pooling a server connection of endpoint {}: {}", key.endpoint(), reset.cause().toString());
        }
        if (queue.isEmpty()) {
          idle.remove(key);
        }
        backend.socket.close();
        return;
      }
      park(key, queue, backend);
    });
  }

  private void park(PoolKey key, ArrayDeque<PooledBackend> queue, PooledBackend backend) {
    backend.parkedAtMillis = System.currentTimeMillis();
    // An idle backend says nothing unless it is being terminated (shutdown, idle_session_timeout): drop it then.
    backend.socket.handler(unexpected -> discard(key, backend));
    backend.socket.closeHandler(closed -> discard(key, backend));
    backend.socket.exceptionHandler(error -> discard(key, backend));
    queue.push(backend);
    size++;
    metrics.pooledConnections(1);
  }

  /**
   * A pooled backend for {@code key}, reset for its new client and proven alive, or null when there is none.
   * The most recently parked goes first (the warmest); one that fails the check is closed and the next is tried.
   */
  Future<PooledBackend> take(PoolKey key) {
    ArrayDeque<PooledBackend> queue = idle.get(key);
    if (queue == null || queue.isEmpty()) {
      return Future.succeededFuture(null);
    }
    PooledBackend backend = queue.pop();
    if (queue.isEmpty()) {
      idle.remove(key);
    }
    unpark(backend);
    return BackendCommands.run(vertx, backend.socket, CHECK_OUT, COMMAND_TIMEOUT_MILLIS).transform(checked -> {
      if (checked.succeeded()) {
        return Future.succeededFuture(backend);
      }
      LOG.debug("a pooled server connection of endpoint {} failed its check: {}", key.endpoint(),
          checked.cause().toString());
      backend.socket.close();
      return take(key);
    });
  }

  /** Closes the pooled backends of an endpoint whose compute is no longer running (or is about to stop). */
  void closeEndpoint(String endpointId) {
    drain(key -> false, backend -> endpointId.equals(backend.address.endpointId()));
  }

  /** Closes the pooled backends of a role whose verifier changed or that was dropped. */
  void closeRole(String endpoint, String role) {
    drain(key -> key.endpoint().equals(endpoint) && key.role().equals(role), backend -> false);
  }

  /** Closes everything (the verticle stops). */
  void closeAll() {
    vertx.cancelTimer(sweepTimer);
    drain(key -> true, backend -> true);
  }

  /** Idle backends across all keys, for tests and the health page. */
  int size() {
    return size;
  }

  private void drain(Predicate<PoolKey> byKey, Predicate<PooledBackend> byBackend) {
    drains++;
    List<PooledBackend> closing = new ArrayList<>();
    for (Iterator<Map.Entry<PoolKey, ArrayDeque<PooledBackend>>> entries = idle.entrySet().iterator();
         entries.hasNext(); ) {
      Map.Entry<PoolKey, ArrayDeque<PooledBackend>> entry = entries.next();
      boolean wholeKey = byKey.test(entry.getKey());
      entry.getValue().removeIf(backend -> {
        boolean close = wholeKey || byBackend.test(backend);
        if (close) {
          closing.add(backend);
        }
        return close;
      });
      if (entry.getValue().isEmpty()) {
        entries.remove();
      }
    }
    closing.forEach(this::closeUnparked);
  }

  private void closeIdle() {
    long cutoff = System.currentTimeMillis() - settings.poolIdleMillis();
    List<PooledBackend> closing = new ArrayList<>();
    for (Iterator<ArrayDeque<PooledBackend>> queues = idle.values().iterator(); queues.hasNext(); ) {
      ArrayDeque<PooledBackend> queue = queues.next();
      // Most recent first: the oldest are at the tail.
      while (!queue.isEmpty() && queue.peekLast().parkedAtMillis <= cutoff) {
        closing.add(queue.pollLast());
      }
      if (queue.isEmpty()) {
        queues.remove();
      }
    }
    closing.forEach(this::closeUnparked);
  }

  private void discard(PoolKey key, PooledBackend backend) {
    ArrayDeque<PooledBackend> queue = idle.get(key);
    if (queue != null && queue.remove(backend)) {
      if (queue.isEmpty()) {
        idle.remove(key);
      }
      closeUnparked(backend);
    }
  }

  private void closeUnparked(PooledBackend backend) {
    unpark(backend);
    // Terminate first, as a client would: the backend exits at once, quietly.
    backend.socket.end(TERMINATE).onComplete(ended -> backend.socket.close());
  }

  private void unpark(PooledBackend backend) {
    backend.socket.handler(null);
    backend.socket.closeHandler(null);
    backend.socket.exceptionHandler(null);
    size--;
    metrics.pooledConnections(-1);
  }
}
