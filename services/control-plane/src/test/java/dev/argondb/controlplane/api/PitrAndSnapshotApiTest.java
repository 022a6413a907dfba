package dev.argondb.controlplane.api;

import static dev.argondb.controlplane.testing.ControlPlaneTestBed.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.argondb.controlplane.testing.ControlPlaneTestBed;
import dev.argondb.controlplane.testing.TestStorage;
import dev.argondb.pgformat.Lsn;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A tenant's PITR window and its snapshots over REST, against a real pageserver: the window is stored here and on
 * the pageserver (which GC follows); snapshots live on the pageserver and a branch can start from one. Bad input is
 * a 400 and changes nothing.
 */
@ExtendWith(VertxExtension.class)
class PitrAndSnapshotApiTest {
  private TestStorage storage;
  private ControlPlaneTestBed cp;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    storage = TestStorage.start(vertx);
    cp = ControlPlaneTestBed.start(vertx, storage::configure);
  }

  @AfterEach
  void stop() throws Exception {
    cp.close();
    storage.close();
  }

  @Test
  void pitrIntervalIsSetAtCreationChangedByPatchAndKnownToThePageserver() throws Exception {
    JsonObject byDefault = expect(201, cp.post("/v1/tenants", new JsonObject()));
    assertEquals("7d", byDefault.getString("pitr_interval"));
    assertEquals(604_800, byDefault.getLong("pitr_interval_seconds"));

    JsonObject created = expect(201, cp.post("/v1/tenants", new JsonObject().put("pitr_interval", "1h")));
    String tenant = created.getString("id");
    assertEquals("1h", created.getString("pitr_interval"));
    assertEquals(3600, pageserverPitrSeconds(tenant, created));

    JsonObject changed = expect(200, cp.patch("/v1/tenants/" + tenant, new JsonObject().put("pitr_interval", "PT30S")));
    assertEquals("30s", changed.getString("pitr_interval"));
    assertEquals(30, pageserverPitrSeconds(tenant, created));
    assertEquals("30s", expect(200, cp.get("/v1/tenants/" + tenant)).getString("pitr_interval"));

    for (String bad : List.of("banana", "-1h", "11000d", "")) {
      JsonObject refused = expect(400, cp.patch("/v1/tenants/" + tenant, new JsonObject().put("pitr_interval", bad)));
      assertTrue(refused.getString("error").contains("pitr_interval"), refused.encode());
    }
    expect(400, cp.patch("/v1/tenants/" + tenant, new JsonObject()));
    assertEquals("30s", expect(200, cp.get("/v1/tenants/" + tenant)).getString("pitr_interval"), "unchanged");
    assertEquals(30, pageserverPitrSeconds(tenant, created), "unchanged on the pageserver too");

    int tenants = expect(200, cp.get("/v1/tenants")).getJsonArray("tenants").size();
    expect(400, cp.post("/v1/tenants", new JsonObject().put("pitr_interval", "7 days")));
    assertEquals(tenants, expect(200, cp.get("/v1/tenants")).getJsonArray("tenants").size(), "no tenant made");
    expect(404, cp.patch("/v1/tenants/" + "f".repeat(32), new JsonObject().put("pitr_interval", "1d")));
  }

  @Test
  void snapshotsAreCreatedListedBranchedFromAndDeleted() {
    JsonObject created = expect(201, cp.post("/v1/tenants", new JsonObject()));
    String tenant = created.getString("id");
    String mainId = created.getJsonArray("timelines").getJsonObject(0).getString("id");
    String base = "/v1/tenants/" + tenant + "/snapshots";
    String end = Lsn.format(storage.info(tenant, mainId).lastRecordLsn());

    JsonObject snapshot = expect(201, cp.post(base, new JsonObject().put("name", "before-migration")));
    assertEquals(end, snapshot.getString("lsn"), "at the branch's current end");
    assertEquals(mainId, snapshot.getString("timeline_id"));
    expect(409, cp.post(base, new JsonObject().put("name", "before-migration")));
    expect(400, cp.post(base, new JsonObject().put("name", "no spaces")));
    expect(400, cp.post(base, new JsonObject().put("name", "odd").put("lsn", "0/1")));
    expect(400, cp.post(base, new JsonObject().put("name", "both").put("lsn", end)
        .put("time", "2026-01-01T00:00:00Z")));
    expect(404, cp.post(base, new JsonObject().put("name", "nowhere").put("branch_name", "nope")));
    assertEquals(List.of("before-migration"), names(base), "nothing else stored");
    assertEquals(end, expect(200, cp.get(base + "/before-migration")).getString("lsn"));
    expect(404, cp.get(base + "/unknown"));

    JsonObject branch = expect(201, cp.post("/v1/tenants/" + tenant + "/timelines",
        new JsonObject().put("name", "restored").put("snapshot", "before-migration")));
    assertEquals(mainId, branch.getString("ancestor_timeline_id"));
    assertEquals(end, branch.getString("ancestor_lsn"));
    expect(404, cp.post("/v1/tenants/" + tenant + "/timelines",
        new JsonObject().put("name", "other").put("snapshot", "unknown")));
    expect(400, cp.post("/v1/tenants/" + tenant + "/timelines", new JsonObject().put("name", "other")
        .put("snapshot", "before-migration").put("ancestor_start_lsn", end)));

    // A branch holding a snapshot is not deleted until the snapshot is.
    expect(201, cp.post(base, new JsonObject().put("name", "on-restored").put("branch_name", "restored")));
    JsonObject busy = expect(409, cp.delete("/v1/tenants/" + tenant + "/timelines/" + branch.getString("id")));
    assertTrue(busy.getString("error").contains("on-restored"), busy.encode());
    expect(404, cp.delete(base + "/unknown"));
    expect(204, cp.delete(base + "/on-restored"));
    expect(204, cp.delete("/v1/tenants/" + tenant + "/timelines/" + branch.getString("id")));
    assertEquals(List.of("before-migration"), names(base));
  }

  private List<String> names(String base) {
    return expect(200, cp.get(base)).getJsonArray("snapshots").stream()
        .map(o -> ((JsonObject) o).getString("name")).toList();
  }

  /** What the pageserver stored for the tenant: {@code tenants/<tenant>/tenant.json} beside its timelines. */
  private long pageserverPitrSeconds(String tenant, JsonObject created) throws Exception {
    String mainId = created.getJsonArray("timelines").getJsonObject(0).getString("id");
    Path tenantDir = storage.handle.timelines().directoryOf(tenant, mainId).getParent().getParent();
    return new JsonObject(Files.readString(tenantDir.resolve("tenant.json"))).getLong("pitr_interval_seconds");
  }
}
