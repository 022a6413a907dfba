package dev.argondb.controlplane.api;

import static dev.argondb.controlplane.testing.ControlPlaneTestBed.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.argondb.controlplane.testing.ControlPlaneTestBed;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class TenantTimelineApiTest {
  private ControlPlaneTestBed cp;

  @BeforeEach
  void start(Vertx vertx) {
    cp = ControlPlaneTestBed.start(vertx);
  }

  @AfterEach
  void stop() {
    cp.close();
  }

  @Test
  void creatingATenantCreatesItsMainTimeline() {
    JsonObject tenant = expect(201, cp.post("/v1/tenants", new JsonObject()));
    String id = tenant.getString("id");
    assertTrue(id.matches("[0-9a-f]{32}"), id);
    assertTrue(tenant.getString("created_at").endsWith("Z"), tenant.encode());
    JsonArray timelines = tenant.getJsonArray("timelines");
    assertEquals(1, timelines.size());
    JsonObject main = timelines.getJsonObject(0);
    assertEquals("main", main.getString("name"));
    assertEquals(id, main.getString("tenant_id"));
    assertTrue(main.containsKey("ancestor_timeline_id") && main.getValue("ancestor_timeline_id") == null);
    assertTrue(main.containsKey("ancestor_lsn") && main.getValue("ancestor_lsn") == null);

    assertEquals(tenant, expect(200, cp.get("/v1/tenants/" + id)));
    assertEquals(id, expect(200, cp.get("/v1/tenants")).getJsonArray("tenants").getJsonObject(0).getString("id"));
    assertEquals(1L, cp.sql("SELECT count(*) FROM timelines WHERE tenant_id = '" + id + "' AND name = 'main'"));
  }

  @Test
  void tenantIdCanBeChosenOnceAndMustBeHex() {
    String id = "0123456789abcdef0123456789abcdef";
    assertEquals(id, expect(201, cp.post("/v1/tenants", new JsonObject().put("tenant_id", id))).getString("id"));
    JsonObject conflict = expect(409, cp.post("/v1/tenants", new JsonObject().put("tenant_id", id)));
    assertTrue(conflict.getString("error").contains("already exists"), conflict.encode());

    expect(400, cp.post("/v1/tenants", new JsonObject().put("tenant_id", "0123456789ABCDEF0123456789ABCDEF")));
    expect(400, cp.post("/v1/tenants", new JsonObject().put("tenant_id", "xyz")));
    expect(400, cp.post("/v1/tenants", new JsonObject().put("tenant_id", 42)));
    expect(400, cp.postRaw("/v1/tenants", "{\"tenant_id\": "));
    expect(400, cp.postRaw("/v1/tenants", "[]"));
    assertEquals(1L, cp.sql("SELECT count(*) FROM tenants"), "bad requests created nothing");
    assertEquals(1L, cp.sql("SELECT count(*) FROM timelines"));
  }

  @Test
  void unknownAndMalformedTenantIds() {
    JsonObject missing = expect(404, cp.get("/v1/tenants/" + "f".repeat(32)));
    assertEquals("tenant " + "f".repeat(32) + " not found", missing.getString("error"));
    expect(404, cp.get("/v1/tenants/" + "f".repeat(32) + "/timelines"));
    expect(400, cp.get("/v1/tenants/not-an-id"));
    expect(400, cp.get("/v1/tenants/not-an-id/timelines"));
    JsonObject noRoute = expect(404, cp.get("/v1/nothing-here"));
    assertTrue(noRoute.getString("error").contains("no such route"), noRoute.encode());
    JsonObject wrongMethod = expect(405, cp.send(HttpMethod.PUT, "/v1/tenants", "{}"));
    assertEquals("method not allowed: PUT /v1/tenants", wrongMethod.getString("error"));
  }

  @Test
  void rootTimelinesAreUniqueByNameWithinATenant() {
    String tenant = cp.createTenant();
    String other = cp.createTenant();
    JsonObject dev = expect(201, cp.post("/v1/tenants/" + tenant + "/timelines", new JsonObject().put("name", "dev")));
    assertEquals("dev", dev.getString("name"));
    assertNull(dev.getValue("ancestor_timeline_id"));

    JsonObject duplicate = expect(409, cp.post("/v1/tenants/" + tenant + "/timelines",
        new JsonObject().put("name", "dev")));
    assertTrue(duplicate.getString("error").contains("\"dev\" already exists"), duplicate.encode());
    // Names are per tenant.
    expect(201, cp.post("/v1/tenants/" + other + "/timelines", new JsonObject().put("name", "dev")));

    JsonArray timelines = expect(200, cp.get("/v1/tenants/" + tenant + "/timelines")).getJsonArray("timelines");
    assertEquals(2, timelines.size());
    assertEquals("main", timelines.getJsonObject(0).getString("name"));
    assertEquals("dev", timelines.getJsonObject(1).getString("name"));
  }

  @Test
  void badTimelineRequestsChangeNothing() {
    String tenant = cp.createTenant();
    String path = "/v1/tenants/" + tenant + "/timelines";
    expect(400, cp.post(path, new JsonObject()));
    expect(400, cp.post(path, new JsonObject().put("name", "has space")));
    expect(400, cp.post(path, new JsonObject().put("name", "x".repeat(64))));
    expect(400, cp.postRaw(path, "{not json"));
    JsonObject branch = expect(400, cp.post(path, new JsonObject().put("name", "feature")
        .put("ancestor_timeline_id", "a".repeat(32)).put("ancestor_lsn", "0/16B5A50")));
    assertEquals("branching from an ancestor needs the pageserver (not configured)", branch.getString("error"));
    expect(404, cp.post("/v1/tenants/" + "e".repeat(32) + "/timelines", new JsonObject().put("name", "ok")));
    assertEquals(1L, cp.sql("SELECT count(*) FROM timelines"));
  }

  @Test
  void healthAndMetricsAreServed() {
    JsonObject health = expect(200, cp.get("/health"));
    assertEquals("ok", health.getString("status"));
    assertEquals("ok", health.getJsonObject("details").getString("database"));
    String metrics = cp.get("/metrics").bodyAsString();
    for (String series : new String[] {
        "argon_control_plane_wakes_total{outcome=\"started\"} 0.0",
        "argon_control_plane_wakes_total{outcome=\"not_found\"} 0.0",
        "argon_control_plane_suspends_total{outcome=\"suspended\",trigger=\"idle\"} 0.0",
        "argon_control_plane_wake_duration_seconds_bucket{le=",
        "argon_control_plane_compute_start_duration_seconds_bucket{le=",
        "argon_control_plane_endpoints{state=\"running\"} 0.0",
        "argon_control_plane_tenants 0.0",
        "argon_control_plane_timelines 0.0"}) {
      assertTrue(metrics.contains(series), series + " missing from:\n" + metrics);
    }
  }
}
