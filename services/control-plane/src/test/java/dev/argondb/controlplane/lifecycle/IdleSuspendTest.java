package dev.argondb.controlplane.lifecycle;

import static dev.argondb.controlplane.testing.ControlPlaneTestBed.await;
import static dev.argondb.controlplane.testing.ControlPlaneTestBed.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.argondb.bus.Bus;
import dev.argondb.bus.BusAddresses;
import dev.argondb.bus.EndpointAddress;
import dev.argondb.bus.EndpointConnections;
import dev.argondb.bus.WakeEndpoint;
import dev.argondb.controlplane.testing.ControlPlaneTestBed;
import dev.argondb.controlplane.testing.FakeComputeAgent;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Suspend timeout 1 s, checked every 100 ms. */
@ExtendWith(VertxExtension.class)
class IdleSuspendTest {
  private ControlPlaneTestBed cp;
  private FakeComputeAgent agent;
  private String tenant;

  @BeforeEach
  void start(Vertx vertx) {
    cp = ControlPlaneTestBed.start(vertx, config -> config.withIdlePolicy(1, 100));
    agent = new FakeComputeAgent(vertx);
    tenant = cp.createTenant();
  }

  @AfterEach
  void stop() {
    cp.close();
  }

  private void runningEndpoint(String name, int suspendTimeoutSeconds) {
    cp.createEndpoint(tenant, name, suspendTimeoutSeconds);
    await(Bus.request(cp.vertx.eventBus(), BusAddresses.ENDPOINT_WAKE, new WakeEndpoint(name), EndpointAddress.class,
        5_000));
  }

  private void connections(String gateway, String name, int count) {
    cp.vertx.eventBus().publish(BusAddresses.GATEWAY_ACTIVITY,
        new EndpointConnections(gateway, name, count, System.currentTimeMillis()));
  }

  @Test
  void suspendsOneTimeoutAfterTheLastConnectionCloses() throws InterruptedException {
    runningEndpoint("idle", 1);
    connections("gw-1", "idle", 1);
    Thread.sleep(1_500);
    assertEquals(0, agent.stops.size(), "an open connection keeps the endpoint up past its timeout");

    long closedAt = System.currentTimeMillis();
    connections("gw-1", "idle", 0);
    eventually(5_000, "the agent is asked to stop", () -> agent.stops.size() == 1);
    long waited = agent.stops.get(0).atMillis() - closedAt;
    assertTrue(waited >= 950 && waited < 4_000, "stopped " + waited + " ms after the last connection closed");
    assertTrue(agent.stops.get(0).request().onlyIfIdle(), "the idle policy never forces a stop");

    eventually(5_000, "state suspended", () -> "suspended".equals(cp.endpointState("idle")));
    assertNull(cp.sql("SELECT host FROM endpoints WHERE name = 'idle'"));
    assertEquals(1.0, cp.registry.get("argon_control_plane_suspends")
        .tag("trigger", "idle").tag("outcome", "suspended").counter().count());
  }

  @Test
  void connectionsOnAnyGatewayKeepTheEndpointUp() throws InterruptedException {
    runningEndpoint("multi", 1);
    connections("gw-1", "multi", 2);
    connections("gw-2", "multi", 1);
    connections("gw-1", "multi", 0);
    Thread.sleep(2_000);
    assertEquals(0, agent.stops.size(), "gw-2 still relays a connection");
    assertEquals("running", cp.endpointState("multi"));
  }

  @Test
  void timeoutZeroMeansNeverSuspended() throws InterruptedException {
    runningEndpoint("forever", 0);
    connections("gw-1", "forever", 1);
    connections("gw-1", "forever", 0);
    Thread.sleep(1_800);
    assertEquals(0, agent.stops.size());
    assertEquals("running", cp.endpointState("forever"));
  }

  @Test
  void busyComputeStaysRunningAndIsAskedAgainOnlyAfterAnotherTimeout() throws InterruptedException {
    agent.refuseStopAsBusy = true;
    runningEndpoint("direct", 1);
    eventually(5_000, "a stop request", () -> agent.stops.size() == 1);
    Thread.sleep(300);
    assertEquals("running", cp.endpointState("direct"));
    assertEquals(1, agent.stops.size(), "a busy answer counts as activity, no retry at every check");
    eventually(5_000, "a second try after another timeout", () -> agent.stops.size() == 2);
    assertTrue(agent.stops.get(1).atMillis() - agent.stops.get(0).atMillis() >= 950);
  }
}
