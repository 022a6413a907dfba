package dev.argondb.gateway;

import dev.argondb.bus.Bus;
import dev.argondb.bus.BusAddresses;
import dev.argondb.bus.ComputeState;
import dev.argondb.bus.ComputeStateChanged;
import dev.argondb.bus.EndpointAddress;
import dev.argondb.bus.WakeEndpoint;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import java.util.HashMap;
import java.util.Map;

/**
 * Asks the control plane to wake endpoints, and remembers where a running one listens. Connections that arrive
 * while a wake of the same endpoint is in flight share it, so a burst of first connections to a suspended
 * endpoint starts one compute with one request. A woken endpoint's address is then reused for a short TTL
 * without asking again; the control plane stays the authority: any {@link BusAddresses#COMPUTE_STATE} event of
 * the endpoint other than "running at this address" drops it, and so does a failed connect (the session then
 * wakes). Used from the gateway verticle's event loop only.
 */
final class EndpointWaker {
  private record Known(EndpointAddress address, long expiresAtNanos) {}

  private final EventBus bus;
  private final long timeoutMillis;
  private final long ttlNanos;
  private final GatewayMetrics metrics;
  private final Map<String, Future<EndpointAddress>> inFlight = new HashMap<>();
  private final Map<String, Known> running = new HashMap<>();
  /** Endpoint id (what compute events carry) → name, for the endpoints in {@link #running}. */
  private final Map<String, String> nameOfId = new HashMap<>();

  EndpointWaker(EventBus bus, long timeoutMillis, long ttlMillis, GatewayMetrics metrics) {
    this.bus = bus;
    this.timeoutMillis = timeoutMillis;
    this.ttlNanos = ttlMillis * 1_000_000L;
    this.metrics = metrics;
  }

  /** The remembered address of a running endpoint, or null when it must be woken. */
  EndpointAddress knownAddress(String endpoint) {
    Known known = running.get(endpoint);
    if (known == null) {
      return null;
    }
    if (System.nanoTime() - known.expiresAtNanos() >= 0) {
      forget(endpoint);
      return null;
    }
    return known.address();
  }

  Future<EndpointAddress> wake(String endpoint) {
    Future<EndpointAddress> pending = inFlight.get(endpoint);
    if (pending != null) {
      return pending;
    }
    long started = System.nanoTime();
    Future<EndpointAddress> wake = Bus.request(bus, BusAddresses.ENDPOINT_WAKE, new WakeEndpoint(endpoint),
        EndpointAddress.class, timeoutMillis);
    inFlight.put(endpoint, wake);
    wake.onComplete(result -> {
      inFlight.remove(endpoint);
      metrics.wakeFinished(isUnknownEndpoint(result.cause()) ? GatewayMetrics.NO_ENDPOINT : endpoint,
          result.succeeded(), System.nanoTime() - started);
      if (result.succeeded() && ttlNanos > 0) {
        EndpointAddress address = result.result();
        running.put(endpoint, new Known(address, System.nanoTime() + ttlNanos));
        nameOfId.put(address.endpointId(), endpoint);
      }
    });
    return wake;
  }

  /** Drops the endpoint's address, e.g. after a connect to it failed. */
  void forget(String endpoint) {
    Known known = running.remove(endpoint);
    if (known != null) {
      nameOfId.remove(known.address().endpointId());
    }
  }

  /** Follows a compute's state: anything but running at the remembered address drops it. */
  void onComputeState(ComputeStateChanged change) {
    String name = nameOfId.get(change.endpointId());
    if (name == null) {
      return;
    }
    Known known = running.get(name);
    boolean same = known != null && change.state() == ComputeState.RUNNING
        && known.address().host().equals(change.host()) && known.address().port() == change.port();
    if (!same) {
      forget(name);
    }
  }

  /** Unknown names are the client's free text: they never become a metric label. */
  private static boolean isUnknownEndpoint(Throwable failure) {
    return failure instanceof io.vertx.core.eventbus.ReplyException reply
        && reply.failureType() == io.vertx.core.eventbus.ReplyFailure.RECIPIENT_FAILURE
        && reply.failureCode() == dev.argondb.bus.BusErrors.NOT_FOUND;
  }
}
