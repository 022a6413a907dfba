package dev.argondb.controlplane.api;

import static dev.argondb.controlplane.testing.ControlPlaneTestBed.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.argondb.scram.ScramVerifier;
import dev.argondb.controlplane.testing.ControlPlaneTestBed;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class RoleApiTest {
  private static final String PASSWORD = "Tr0ub4dor&3-unique-plaintext";

  private ControlPlaneTestBed cp;
  private String tenant;
  private String path;

  @BeforeEach
  void start(Vertx vertx) {
    cp = ControlPlaneTestBed.start(vertx);
    tenant = cp.createTenant();
    path = "/v1/tenants/" + tenant + "/roles";
  }

  @AfterEach
  void stop() {
    cp.close();
  }

  @Test
  void passwordIsStoredOnlyAsAVerifier() {
    JsonObject role = expect(201, cp.post(path, new JsonObject().put("name", "app_user").put("password", PASSWORD)));
    assertEquals("app_user", role.getString("name"));
    assertEquals(2, role.size(), "name and created_at only: " + role.encode());

    String verifier = (String) cp.sql("SELECT scram_verifier FROM roles WHERE name = 'app_user'");
    assertTrue(verifier.startsWith("SCRAM-SHA-256$4096:"), verifier);
    assertTrue(ScramVerifier.matches(verifier, PASSWORD));
    // No column of any control-plane table holds the password, in any form Postgres would print.
    for (String table : new String[] {"tenants", "timelines", "endpoints", "roles", "schema_migrations"}) {
      assertEquals(0L, cp.sql("SELECT count(*) FROM " + table + " t WHERE row_to_json(t)::text LIKE '%"
          + PASSWORD + "%'"), table);
    }

    String listing = cp.get(path).bodyAsString();
    assertFalse(listing.contains("SCRAM") || listing.contains(PASSWORD), listing);
    JsonArray roles = new JsonObject(listing).getJsonArray("roles");
    assertEquals("app_user", roles.getJsonObject(0).getString("name"));
  }

  @Test
  void acceptsAValidVerifierAsIs() {
    String verifier = ScramVerifier.generate("elsewhere");
    expect(201, cp.post(path, new JsonObject().put("name", "Reporting").put("scram_verifier", verifier)));
    assertEquals(verifier, cp.sql("SELECT scram_verifier FROM roles WHERE name = 'Reporting'"));
  }

  @Test
  void badRoleRequestsChangeNothing() {
    expect(400, cp.post(path, new JsonObject().put("name", "pg_monitor2").put("password", "x")));
    expect(400, cp.post(path, new JsonObject().put("name", "PG_thing").put("password", "x")));
    expect(400, cp.post(path, new JsonObject().put("name", "public").put("password", "x")));
    expect(400, cp.post(path, new JsonObject().put("name", "1abc").put("password", "x")));
    expect(400, cp.post(path, new JsonObject().put("name", "has-dash").put("password", "x")));
    expect(400, cp.post(path, new JsonObject().put("name", "a".repeat(64)).put("password", "x")));
    expect(400, cp.post(path, new JsonObject().put("name", "ok")));
    expect(400, cp.post(path, new JsonObject().put("name", "ok").put("password", "")));
    expect(400, cp.post(path, new JsonObject().put("name", "ok").put("password", "x")
        .put("scram_verifier", ScramVerifier.generate("x"))));
    expect(400, cp.post(path, new JsonObject().put("name", "ok").put("scram_verifier", "md5abcdef")));
    expect(400, cp.post(path, new JsonObject().put("name", "ok").put("scram_verifier", "plain-password")));
    expect(400, cp.postRaw(path, "{\"name\":"));
    expect(404, cp.post("/v1/tenants/" + "b".repeat(32) + "/roles", new JsonObject().put("name", "ok")
        .put("password", "x")));
    assertEquals(0L, cp.sql("SELECT count(*) FROM roles"));
  }

  @Test
  void duplicateRoleIsAConflictAndDeleteRemovesIt() {
    expect(201, cp.post(path, new JsonObject().put("name", "owner").put("password", "one")));
    String stored = (String) cp.sql("SELECT scram_verifier FROM roles");
    JsonObject conflict = expect(409, cp.post(path, new JsonObject().put("name", "owner").put("password", "two")));
    assertEquals("role \"owner\" already exists in tenant " + tenant, conflict.getString("error"));
    assertEquals(stored, cp.sql("SELECT scram_verifier FROM roles"), "the first verifier is kept");

    expect(204, cp.delete(path + "/owner"));
    expect(404, cp.delete(path + "/owner"));
    assertEquals(0L, cp.sql("SELECT count(*) FROM roles"));
  }

  @Test
  void everyRoleChangeIsAnnouncedToGateways() throws Exception {
    java.util.List<dev.argondb.bus.RoleChanged> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    cp.vertx.eventBus().<dev.argondb.bus.RoleChanged>consumer(dev.argondb.bus.BusAddresses.ROLE_CHANGED,
        message -> events.add(message.body())).completion().await();
    expect(201, cp.post(path, new JsonObject().put("name", "announced").put("password", PASSWORD)));
    expect(200, cp.post(path + "/announced/reset_password", new JsonObject()));
    assertEquals(204, cp.delete(path + "/announced").statusCode());
    dev.argondb.bus.RoleChanged expected = new dev.argondb.bus.RoleChanged(tenant, "announced");
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    while (events.size() < 3 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(java.util.List.of(expected, expected, expected), events, "create, reset and delete");
  }
}
