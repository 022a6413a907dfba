package dev.argondb.controlplane.lifecycle;

import dev.argondb.bus.EndpointConnections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What the idle policy knows about client activity, per endpoint name: the latest connection count each
 * gateway reported, and when anything last happened (a count change or a wake). Not thread-safe: used
 * from one verticle's event loop.
 */
final class ActivityTracker {
  private record GatewayReport(int connections, long atEpochMillis) {}

  /** endpoint name -> gateway id -> its latest report. */
  private final Map<String, Map<String, GatewayReport>> reports = new HashMap<>();
  /** endpoint name -> last activity, local clock (epoch millis). */
  private final Map<String, Long> lastActivity = new HashMap<>();
  /** Endpoints whose last activity has not been written to the database yet. */
  private final Set<String> unsaved = new HashSet<>();

  void connectionsChanged(EndpointConnections report, long nowMillis) {
    Map<String, GatewayReport> byGateway = reports.computeIfAbsent(report.endpointName(), name -> new HashMap<>());
    GatewayReport previous = byGateway.get(report.gatewayId());
    // Events may arrive out of order: an older report must not undo a newer one.
    if (previous == null || report.atEpochMillis() >= previous.atEpochMillis()) {
      byGateway.put(report.gatewayId(), new GatewayReport(Math.max(0, report.activeConnections()),
          report.atEpochMillis()));
    }
    activity(report.endpointName(), nowMillis);
  }

  void activity(String endpointName, long nowMillis) {
    lastActivity.merge(endpointName, nowMillis, Math::max);
    unsaved.add(endpointName);
  }

  /** Client connections to the endpoint across all gateways. */
  int connections(String endpointName) {
    Map<String, GatewayReport> byGateway = reports.get(endpointName);
    if (byGateway == null) {
      return 0;
    }
    return byGateway.values().stream().mapToInt(GatewayReport::connections).sum();
  }

  /** Last activity seen by this process, or {@code fallbackMillis} (the persisted time) if later. */
  long lastActivityMillis(String endpointName, long fallbackMillis) {
    return Math.max(lastActivity.getOrDefault(endpointName, Long.MIN_VALUE), fallbackMillis);
  }

  /**
   * Activity times to persist: endpoints with new activity, and endpoints with open connections (they are
   * active right now). Clears the unsaved set.
   */
  Map<String, Long> drainUnsaved(long nowMillis) {
    Map<String, Long> toSave = new HashMap<>();
    for (String name : unsaved) {
      toSave.put(name, lastActivity.get(name));
    }
    reports.keySet().forEach(name -> {
      if (connections(name) > 0) {
        toSave.put(name, nowMillis);
      }
    });
    unsaved.clear();
    return toSave;
  }
}
