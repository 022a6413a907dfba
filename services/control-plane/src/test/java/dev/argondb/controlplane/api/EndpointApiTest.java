package dev.argondb.controlplane.api;

import static dev.argondb.controlplane.testing.ControlPlaneTestBed.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.argondb.controlplane.testing.ControlPlaneTestBed;
import dev.argondb.controlplane.testing.FakeComputeAgent;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class EndpointApiTest {
  private ControlPlaneTestBed cp;
  private String tenant;

  @BeforeEach
  void start(Vertx vertx) {
    cp = ControlPlaneTestBed.start(vertx, config -> config.withIdlePolicy(300, 1000));
    tenant = cp.createTenant();
  }

  @AfterEach
  void stop() {
    cp.close();
  }

  @Test
  void createsASuspendedEndpointOnMain() {
    JsonObject endpoint = expect(201, cp.post("/v1/tenants/" + tenant + "/endpoints",
        new JsonObject().put("name", "ep-main")));
    assertEquals("ep-main", endpoint.getString("name"));
    assertEquals(tenant, endpoint.getString("tenant_id"));
    assertEquals("main", endpoint.getString("branch_name"));
    assertFalse(endpoint.getBoolean("read_only"));
    assertEquals("suspended", endpoint.getString("state"));
    assertEquals(300, endpoint.getInteger("suspend_timeout_seconds"), "config default");
    assertTrue(endpoint.containsKey("port") && endpoint.getValue("port") == null);
    assertTrue(endpoint.containsKey("lsn") && endpoint.getValue("lsn") == null);
    assertEquals(cp.sql("SELECT id FROM timelines WHERE name = 'main'"), endpoint.getString("timeline_id"));

    assertEquals(endpoint, expect(200, cp.get("/v1/endpoints/ep-main")));
    assertEquals(endpoint, expect(200, cp.get("/v1/endpoints")).getJsonArray("endpoints").getJsonObject(0));
    assertEquals(endpoint, expect(200, cp.get("/v1/tenants/" + tenant + "/endpoints"))
        .getJsonArray("endpoints").getJsonObject(0));
  }

  @Test
  void secondReadWriteEndpointOnABranchIsRefusedNamingTheFirst() {
    cp.createEndpoint(tenant, "first", 0);
    JsonObject refused = expect(409, cp.post("/v1/tenants/" + tenant + "/endpoints",
        new JsonObject().put("name", "second").put("branch_name", "main")));
    assertEquals("branch \"main\" already has a read-write endpoint \"first\"", refused.getString("error"));

    // Another branch of the same tenant can have its own.
    expect(201, cp.post("/v1/tenants/" + tenant + "/timelines", new JsonObject().put("name", "dev")));
    assertEquals("dev", expect(201, cp.post("/v1/tenants/" + tenant + "/endpoints",
        new JsonObject().put("name", "second").put("branch_name", "dev"))).getString("branch_name"));
  }

  @Test
  void endpointNamesAreGloballyUnique() {
    cp.createEndpoint(tenant, "shared-name", 0);
    String otherTenant = cp.createTenant();
    JsonObject refused = expect(409, cp.post("/v1/tenants/" + otherTenant + "/endpoints",
        new JsonObject().put("name", "shared-name")));
    assertEquals("endpoint \"shared-name\" already exists", refused.getString("error"));
    assertEquals(1L, cp.sql("SELECT count(*) FROM endpoints"));
  }

  @Test
  void badInputIsRefusedAndChangesNothing() {
    JsonObject existing = cp.createEndpoint(tenant, "keep", 60);
    String path = "/v1/tenants/" + tenant + "/endpoints";
    expect(201, cp.post("/v1/tenants/" + tenant + "/timelines", new JsonObject().put("name", "free")));

    assertEquals("request body is not valid JSON",
        expect(400, cp.postRaw(path, "{\"name\": \"x\",")).getString("error"));
    expect(400, cp.post(path, new JsonObject()));
    expect(400, cp.post(path, new JsonObject().put("name", "bad name!").put("branch_name", "free")));
    expect(400, cp.post(path, new JsonObject().put("name", "a.b").put("branch_name", "free")));
    expect(400, cp.post(path, new JsonObject().put("name", "x".repeat(64)).put("branch_name", "free")));
    expect(400, cp.post(path, new JsonObject().put("name", "ok").put("branch_name", "no/such")));
    JsonObject negative = expect(400, cp.post(path, new JsonObject().put("name", "ok").put("branch_name", "free")
        .put("suspend_timeout_seconds", -1)));
    assertTrue(negative.getString("error").contains("suspend_timeout_seconds"), negative.encode());
    expect(400, cp.post(path, new JsonObject().put("name", "ok").put("branch_name", "free")
        .put("suspend_timeout_seconds", "60")));
    expect(400, cp.post(path, new JsonObject().put("name", "ok").put("branch_name", "free")
        .put("suspend_timeout_seconds", 1.5)));
    expect(400, cp.post(path, new JsonObject().put("name", "ok").put("branch_name", "free")
        .put("suspend_timeout_seconds", 1L << 40)));
    expect(400, cp.post(path, new JsonObject().put("name", "ok").put("branch_name", "free").put("read_only", true)));
    expect(400, cp.post("/v1/tenants/not-hex/endpoints", new JsonObject().put("name", "ok")));
    expect(404, cp.post("/v1/tenants/" + "d".repeat(32) + "/endpoints", new JsonObject().put("name", "ok")));
    JsonObject noBranch = expect(404, cp.post(path, new JsonObject().put("name", "ok").put("branch_name", "nope")));
    assertEquals("branch \"nope\" not found in tenant " + tenant, noBranch.getString("error"));

    expect(400, cp.patch("/v1/endpoints/keep", new JsonObject().put("suspend_timeout_seconds", -5)));
    expect(400, cp.patch("/v1/endpoints/keep", new JsonObject()));
    expect(404, cp.patch("/v1/endpoints/missing", new JsonObject().put("suspend_timeout_seconds", 5)));

    assertEquals(1L, cp.sql("SELECT count(*) FROM endpoints"));
    assertEquals(existing, expect(200, cp.get("/v1/endpoints/keep")), "the existing endpoint is untouched");
  }

  @Test
  void unknownEndpointsAre404() {
    assertEquals("endpoint \"ghost\" not found", expect(404, cp.get("/v1/endpoints/ghost")).getString("error"));
    expect(404, cp.post("/v1/endpoints/ghost/start", null));
    expect(404, cp.post("/v1/endpoints/ghost/stop", null));
    expect(404, cp.delete("/v1/endpoints/ghost"));
    expect(404, cp.get("/v1/tenants/" + "c".repeat(32) + "/endpoints"));
    expect(400, cp.get("/v1/endpoints/bad.name"));
  }

  @Test
  void patchChangesTheSuspendTimeout() {
    cp.createEndpoint(tenant, "tune", 300);
    assertEquals(0, expect(200, cp.patch("/v1/endpoints/tune", new JsonObject().put("suspend_timeout_seconds", 0)))
        .getInteger("suspend_timeout_seconds"));
    assertEquals(0, cp.sql("SELECT suspend_timeout_seconds FROM endpoints WHERE name = 'tune'"));
  }

  @Test
  void startStopAndDeleteGoThroughTheComputeAgent() {
    FakeComputeAgent agent = new FakeComputeAgent(cp.vertx);
    cp.createEndpoint(tenant, "life", 0);

    JsonObject running = expect(200, cp.post("/v1/endpoints/life/start", null));
    assertEquals("running", running.getString("state"));
    assertEquals(FakeComputeAgent.HOST, running.getString("host"));
    assertEquals(FakeComputeAgent.PORT, running.getInteger("port"));
    assertTrue(running.getString("last_active_at") != null);
    assertEquals(1, agent.starts.size());
    // Starting a running endpoint answers at once, without another start.
    expect(200, cp.post("/v1/endpoints/life/start", null));
    assertEquals(1, agent.starts.size());

    JsonObject stopped = expect(200, cp.post("/v1/endpoints/life/stop", null));
    assertEquals("suspended", stopped.getString("state"));
    assertNull(stopped.getValue("port"));
    assertNull(stopped.getValue("host"));
    assertEquals(1, agent.stops.size());
    assertFalse(agent.stops.get(0).request().onlyIfIdle(), "an API stop does not wait for idleness");

    expect(200, cp.post("/v1/endpoints/life/start", null));
    expect(204, cp.delete("/v1/endpoints/life"));
    assertEquals(2, agent.stops.size(), "delete stops the running compute first");
    expect(404, cp.get("/v1/endpoints/life"));
    assertEquals(0L, cp.sql("SELECT count(*) FROM endpoints"));
  }

  @Test
  void failedStartIsA503AndLeavesTheEndpointFailed() {
    FakeComputeAgent agent = new FakeComputeAgent(cp.vertx);
    agent.failStartsWith = "no space left on device";
    cp.createEndpoint(tenant, "broken", 0);
    JsonObject error = expect(503, cp.post("/v1/endpoints/broken/start", null));
    assertEquals("could not start endpoint \"broken\": no space left on device", error.getString("error"));
    assertEquals("failed", cp.endpointState("broken"));
    // A failed endpoint can still be deleted.
    expect(204, cp.delete("/v1/endpoints/broken"));
  }

  @Test
  void listsAreScopedToTheTenant() {
    String other = cp.createTenant();
    cp.createEndpoint(tenant, "mine", 0);
    cp.createEndpoint(other, "theirs", 0);
    JsonArray mine = expect(200, cp.get("/v1/tenants/" + tenant + "/endpoints")).getJsonArray("endpoints");
    assertEquals(1, mine.size());
    assertEquals("mine", mine.getJsonObject(0).getString("name"));
    assertEquals(2, expect(200, cp.get("/v1/endpoints")).getJsonArray("endpoints").size());
  }
}
