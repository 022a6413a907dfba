package dev.argondb.controlplane.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.argondb.bus.EndpointConnections;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ActivityTrackerTest {
  private final ActivityTracker tracker = new ActivityTracker();

  @Test
  void sumsTheLatestCountOfEveryGateway() {
    tracker.connectionsChanged(new EndpointConnections("gw-1", "ep", 3, 100), 1_000);
    tracker.connectionsChanged(new EndpointConnections("gw-2", "ep", 2, 100), 1_000);
    tracker.connectionsChanged(new EndpointConnections("gw-1", "ep", 1, 200), 1_000);
    assertEquals(3, tracker.connections("ep"));
    assertEquals(0, tracker.connections("other"));
  }

  @Test
  void anOlderReportArrivingLateDoesNotUndoANewerOne() {
    tracker.connectionsChanged(new EndpointConnections("gw-1", "ep", 0, 300), 1_000);
    tracker.connectionsChanged(new EndpointConnections("gw-1", "ep", 4, 200), 1_001);
    assertEquals(0, tracker.connections("ep"));
  }

  @Test
  void everyEventAndWakeIsActivityAndTheLaterOfMemoryAndDatabaseWins() {
    assertEquals(500, tracker.lastActivityMillis("ep", 500), "nothing seen: the persisted time");
    tracker.connectionsChanged(new EndpointConnections("gw-1", "ep", 0, 1), 2_000);
    assertEquals(2_000, tracker.lastActivityMillis("ep", 500));
    tracker.activity("ep", 3_000);
    tracker.activity("ep", 2_500);
    assertEquals(3_000, tracker.lastActivityMillis("ep", 500), "activity never goes back");
    assertEquals(9_000, tracker.lastActivityMillis("ep", 9_000));
  }

  @Test
  void unsavedActivityIsDrainedOnceAndConnectedEndpointsAreActiveNow() {
    tracker.activity("woken", 1_000);
    tracker.connectionsChanged(new EndpointConnections("gw-1", "connected", 1, 1), 1_100);
    assertEquals(Map.of("woken", 1_000L, "connected", 5_000L), tracker.drainUnsaved(5_000));
    Map<String, Long> next = tracker.drainUnsaved(6_000);
    assertEquals(Map.of("connected", 6_000L), next);
    assertTrue(!next.containsKey("woken"));
  }
}
