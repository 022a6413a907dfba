package dev.argondb.gateway;

import dev.argondb.bus.Bus;
import dev.argondb.bus.BusAddresses;
import dev.argondb.bus.EndpointAddress;
import dev.argondb.bus.WakeEndpoint;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import java.util.HashMap;
import java.util.Map;

/**
 * Asks the control plane to wake endpoints. Connections that arrive while a wake of the same endpoint
 * is in flight share it, so a burst of first connections to a suspended endpoint starts one compute
 * with one request. Nothing is cached after the reply: the control plane stays the authority on where
 * a compute runs. Used from the gateway verticle's event loop only.
 */
final class EndpointWaker {
  private final EventBus bus;
  private final long timeoutMillis;
  private final GatewayMetrics metrics;
  private final Map<String, Future<EndpointAddress>> inFlight = new HashMap<>();

  EndpointWaker(EventBus bus, long timeoutMillis, GatewayMetrics metrics) {
    this.bus = bus;
    this.timeoutMillis = timeoutMillis;
    this.metrics = metrics;
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
    });
    return wake;
  }

  /** Unknown names are the client's free text: they never become a metric label. */
  private static boolean isUnknownEndpoint(Throwable failure) {
    return failure instanceof io.vertx.core.eventbus.ReplyException reply
        && reply.failureType() == io.vertx.core.eventbus.ReplyFailure.RECIPIENT_FAILURE
        && reply.failureCode() == dev.argondb.bus.BusErrors.NOT_FOUND;
  }
}
