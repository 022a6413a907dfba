package dev.argondb.controlplane.lifecycle;

import static dev.argondb.controlplane.testing.ControlPlaneTestBed.await;
import static dev.argondb.controlplane.testing.ControlPlaneTestBed.eventually;
import static dev.argondb.controlplane.testing.ControlPlaneTestBed.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.argondb.bus.Bus;
import dev.argondb.bus.BusAddresses;
import dev.argondb.bus.BusErrors;
import dev.argondb.bus.ComputeState;
import dev.argondb.bus.ComputeStateChanged;
import dev.argondb.bus.EndpointAddress;
import dev.argondb.bus.RoleSpec;
import dev.argondb.bus.StartCompute;
import dev.argondb.bus.WakeEndpoint;
import dev.argondb.controlplane.testing.ControlPlaneTestBed;
import dev.argondb.controlplane.testing.FakeComputeAgent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class WakeCoordinationTest {
  private ControlPlaneTestBed cp;
  private FakeComputeAgent agent;
  private String tenant;

  @BeforeEach
  void start(Vertx vertx) {
    cp = ControlPlaneTestBed.start(vertx);
    agent = new FakeComputeAgent(vertx);
    tenant = cp.createTenant();
  }

  @AfterEach
  void stop() {
    cp.close();
  }

  private Future<EndpointAddress> wake(String name) {
    return Bus.request(cp.vertx.eventBus(), BusAddresses.ENDPOINT_WAKE, new WakeEndpoint(name), EndpointAddress.class,
        10_000);
  }

  /** After `argon stop` and `argon up` the database still says running: a wake must start a compute again. */
  @Test
  void aRestartedControlPlaneForgetsComputesThatNoLongerAnswer() throws Exception {
    cp.createEndpoint(tenant, "vanished", 0);
    cp.createEndpoint(cp.createTenant(), "alive", 0); // one read-write endpoint per branch
    await(wake("vanished"));
    await(wake("alive"));
    int closedPort;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
      closedPort = probe.getLocalPort();
    }
    try (java.net.ServerSocket listening = new java.net.ServerSocket(0, 5,
        java.net.InetAddress.getByName(FakeComputeAgent.HOST))) {
      cp.sql("UPDATE endpoints SET port = " + closedPort + " WHERE name = 'vanished' RETURNING 1");
      cp.sql("UPDATE endpoints SET port = " + listening.getLocalPort() + " WHERE name = 'alive' RETURNING 1");

      cp.restart();

      assertEquals("suspended", cp.endpointState("vanished"));
      assertEquals("running", cp.endpointState("alive"), "a compute that still answers keeps running");
      EndpointAddress woken = await(wake("vanished"));
      assertTrue(woken.started(), "the wake started a compute instead of returning the dead address");
      assertEquals(3, agent.starts.size());
      EndpointAddress alive = await(wake("alive"));
      assertFalse(alive.started());
      assertEquals(listening.getLocalPort(), alive.port());
    }
  }

  @Test
  void concurrentWakesShareOneStart() {
    String endpointId = cp.createEndpoint(tenant, "busy", 0).getString("id");
    expect(201, cp.post("/v1/tenants/" + tenant + "/roles", new JsonObject().put("name", "app").put("password", "pw")));
    agent.startDelayMillis = 300;

    List<Future<EndpointAddress>> wakes = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      wakes.add(wake("busy"));
    }
    await(Future.all(wakes));

    assertEquals(1, agent.starts.size(), "20 concurrent wakes, one compute start");
    for (Future<EndpointAddress> wake : wakes) {
      EndpointAddress address = wake.result();
      assertEquals(FakeComputeAgent.HOST, address.host());
      assertEquals(FakeComputeAgent.PORT, address.port());
      assertEquals(endpointId, address.endpointId());
      assertTrue(address.started());
    }
    StartCompute request = agent.starts.get(0).request();
    assertEquals(endpointId, request.endpointId());
    assertEquals(tenant, request.tenantId());
    assertEquals(cp.sql("SELECT id FROM timelines WHERE name = 'main'"), request.timelineId());
    assertEquals(List.of(new RoleSpec("app", (String) cp.sql("SELECT scram_verifier FROM roles"))), request.roles());
    assertEquals("running", cp.endpointState("busy"));

    // Once running, a wake answers from the database without starting anything.
    EndpointAddress again = await(wake("busy"));
    assertFalse(again.started());
    assertEquals(FakeComputeAgent.PORT, again.port());
    assertEquals(1, agent.starts.size());
    assertEquals(1.0, cp.registry.get("argon_control_plane_wakes").tag("outcome", "already_running").counter().count());
    assertEquals(20.0, cp.registry.get("argon_control_plane_wakes").tag("outcome", "started").counter().count());
    assertEquals(1L, cp.registry.get("argon_control_plane_compute_start_duration").timer().count());
  }

  @Test
  void unknownEndpointIsNotFound() {
    ReplyException failure = assertInstanceOf(ReplyException.class,
        assertThrows(Exception.class, () -> await(wake("nope"))));
    assertEquals(BusErrors.NOT_FOUND, failure.failureCode());
    assertEquals("endpoint \"nope\" not found", failure.getMessage());
    assertEquals(0, agent.starts.size());
  }

  @Test
  void failedStartIsUnavailableAndMarksTheEndpointFailed() {
    cp.createEndpoint(tenant, "doomed", 0);
    agent.failStartsWith = "basebackup failed";
    ReplyException failure = assertInstanceOf(ReplyException.class,
        assertThrows(Exception.class, () -> await(wake("doomed"))));
    assertEquals(BusErrors.UNAVAILABLE, failure.failureCode());
    assertEquals("could not start endpoint \"doomed\": basebackup failed", failure.getMessage());
    assertEquals("failed", cp.endpointState("doomed"));

    // The next wake tries again.
    agent.failStartsWith = null;
    assertTrue(await(wake("doomed")).started());
    assertEquals(2, agent.starts.size());
  }

  @Test
  void wakeDuringASuspendWaitsForItThenStarts() {
    cp.createEndpoint(tenant, "cycling", 0);
    await(wake("cycling"));
    agent.stopDelayMillis = 500;

    Future<?> stopping = cp.sendAsync(HttpMethod.POST, "/v1/endpoints/cycling/stop", null);
    eventually(5_000, "the stop reaches the agent", () -> agent.stops.size() == 1);
    EndpointAddress address = await(wake("cycling"));
    await(stopping);

    assertTrue(address.started(), "the wake started the compute again after the suspend");
    assertEquals(2, agent.starts.size());
    long stopAnswered = agent.stops.get(0).atMillis() + 500;
    assertTrue(agent.starts.get(1).atMillis() >= stopAnswered - 50,
        "second start must follow the stop's completion");
    assertEquals("running", cp.endpointState("cycling"));
  }

  @Test
  void computeStateEventsKeepTheRowInStep() {
    String id = cp.createEndpoint(tenant, "crashy", 0).getString("id");
    await(wake("crashy"));
    cp.vertx.eventBus().publish(BusAddresses.COMPUTE_STATE,
        new ComputeStateChanged(id, ComputeState.FAILED, null, 0, "postgres exited with code 1"));
    eventually(5_000, "state failed", () -> "failed".equals(cp.endpointState("crashy")));
    assertNull(cp.sql("SELECT port FROM endpoints WHERE name = 'crashy'"), "address cleared");

    // The next connection's wake starts it again.
    assertTrue(await(wake("crashy")).started());
    assertEquals(2, agent.starts.size());
  }
}
