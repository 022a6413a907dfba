package dev.argondb.gateway;

import dev.argondb.bus.BusAddresses;
import dev.argondb.bus.EndpointConnections;
import io.vertx.core.eventbus.EventBus;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts this gateway's relayed connections per endpoint and publishes every change on
 * {@link BusAddresses#GATEWAY_ACTIVITY}, which the control plane's idle-suspend policy follows.
 * Shared by every gateway verticle instance: changes are serialized, so events go out in count order.
 */
final class EndpointActivity {
  private final EventBus bus;
  private final String gatewayId;
  private final GatewayMetrics metrics;
  private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

  EndpointActivity(EventBus bus, String gatewayId, GatewayMetrics metrics) {
    this.bus = bus;
    this.gatewayId = gatewayId;
    this.metrics = metrics;
  }

  void connectionOpened(String endpoint) {
    change(endpoint, 1);
  }

  void connectionClosed(String endpoint) {
    change(endpoint, -1);
  }

  int activeConnections(String endpoint) {
    AtomicInteger count = counts.get(endpoint);
    return count == null ? 0 : count.get();
  }

  private synchronized void change(String endpoint, int delta) {
    AtomicInteger count = counts.computeIfAbsent(endpoint, name -> {
      AtomicInteger fresh = new AtomicInteger();
      metrics.trackActiveConnections(name, fresh);
      return fresh;
    });
    int now = count.addAndGet(delta);
    bus.publish(BusAddresses.GATEWAY_ACTIVITY,
        new EndpointConnections(gatewayId, endpoint, now, System.currentTimeMillis()));
  }
}
