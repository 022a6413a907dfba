package dev.argondb.controlplane.db;

import static dev.argondb.controlplane.testing.ControlPlaneTestBed.await;
import static dev.argondb.controlplane.testing.ControlPlaneTestBed.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.argondb.controlplane.ControlPlaneMetrics;
import dev.argondb.controlplane.testing.ControlPlaneTestBed;
import dev.argondb.controlplane.testing.FakeComputeAgent;
import dev.argondb.controlplane.testing.SharedPostgres;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class InventoryStoreTest {

  @Test
  void countsFeedTheGauges(Vertx vertx) {
    try (ControlPlaneTestBed cp = ControlPlaneTestBed.start(vertx)) {
      new FakeComputeAgent(vertx);
      String first = cp.createTenant();
      String second = cp.createTenant();
      expect(201, cp.post("/v1/tenants/" + second + "/timelines", new JsonObject().put("name", "dev")));
      cp.createEndpoint(first, "asleep", 0);
      cp.createEndpoint(second, "awake", 0);
      expect(200, cp.post("/v1/endpoints/awake/start", null));

      Pool pool = Database.connect(vertx, SharedPostgres.url(cp.database));
      InventoryStore.Inventory inventory;
      try {
        inventory = await(new InventoryStore(pool).count());
      } finally {
        await(pool.close());
      }
      assertEquals(2, inventory.tenants());
      assertEquals(3, inventory.timelines());
      assertEquals(Map.of("suspended", 1L, "running", 1L), inventory.endpointsByState());

      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      new ControlPlaneMetrics(registry).inventory(inventory.tenants(), inventory.timelines(),
          inventory.endpointsByState());
      assertEquals(1.0, registry.get("argon_control_plane_endpoints").tag("state", "running").gauge().value());
      assertEquals(0.0, registry.get("argon_control_plane_endpoints").tag("state", "failed").gauge().value());
      assertEquals(3.0, registry.get("argon_control_plane_timelines").gauge().value());
    }
  }
}
