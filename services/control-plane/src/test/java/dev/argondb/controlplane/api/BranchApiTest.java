package dev.argondb.controlplane.api;

import static dev.argondb.controlplane.testing.ControlPlaneTestBed.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.argondb.bus.PageserverTimelineInfo;
import dev.argondb.controlplane.testing.ControlPlaneTestBed;
import dev.argondb.controlplane.testing.SharedPostgres;
import dev.argondb.controlplane.testing.TestStorage;
import dev.argondb.pgformat.Lsn;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Branches, timeline deletes and read-only endpoints against a real pageserver on the same Vert.x (and the
 * control DB in a real Postgres). Timelines here hold initdb only: their WAL starts and ends at the end of
 * initdb's checkpoint record, which is the one LSN a branch can start at.
 */
@ExtendWith(VertxExtension.class)
class BranchApiTest {
  private TestStorage storage;
  private ControlPlaneTestBed cp;
  private String tenant;
  private JsonObject main;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    storage = TestStorage.start(vertx);
    cp = ControlPlaneTestBed.start(vertx, storage::configure);
    JsonObject created = expect(201, cp.post("/v1/tenants", new JsonObject()));
    tenant = created.getString("id");
    main = created.getJsonArray("timelines").getJsonObject(0);
  }

  @AfterEach
  void stop() throws Exception {
    cp.close();
    storage.close();
  }

  @Test
  void tenantCreationMakesTheMainRootTimelineOnThePageserver() {
    assertEquals("main", main.getString("name"));
    PageserverTimelineInfo info = storage.info(tenant, main.getString("id"));
    assertNull(info.ancestorTimelineId());
    assertEquals(info.startLsn(), info.lastRecordLsn());
    assertEquals(List.of(info.startLsn()), info.imageLsns(), "the initdb image");

    // A tenant id taken already: 409, and no second root timeline on the pageserver.
    JsonObject again = expect(409, cp.post("/v1/tenants", new JsonObject().put("tenant_id", tenant)));
    assertTrue(again.getString("error").contains("already exists"), again.encode());
    assertEquals(1, storage.timelineCount());
  }

  @Test
  void branchesAtTheLatestLsnAtAnExplicitLsnAndOfABranch() {
    String end = Lsn.format(storage.info(tenant, main.getString("id")).lastRecordLsn());

    JsonObject latest = branch(new JsonObject().put("name", "migration_check"), 201);
    assertEquals(main.getString("id"), latest.getString("ancestor_timeline_id"));
    assertEquals(end, latest.getString("ancestor_lsn"), "the pageserver's answer is stored");
    PageserverTimelineInfo onPageserver = storage.info(tenant, latest.getString("id"));
    assertEquals(main.getString("id"), onPageserver.ancestorTimelineId());
    assertEquals(end, Lsn.format(onPageserver.ancestorLsn()));

    JsonObject pinned = branch(new JsonObject().put("name", "pinned").put("ancestor_branch_name", "main")
        .put("ancestor_start_lsn", end.toLowerCase()), 201);
    assertEquals(end, pinned.getString("ancestor_lsn"));

    String child = "c".repeat(32);
    JsonObject grandchild = branch(new JsonObject().put("name", "grandchild").put("timeline_id", child)
        .put("ancestor_timeline_id", latest.getString("id")), 201);
    assertEquals(child, grandchild.getString("id"));
    assertEquals(latest.getString("id"), storage.info(tenant, child).ancestorTimelineId());

    JsonArray list = expect(200, cp.get("/v1/tenants/" + tenant + "/timelines")).getJsonArray("timelines");
    assertEquals(4, list.size());
    JsonObject listed = list.getJsonObject(3);
    assertEquals("grandchild", listed.getString("name"));
    assertEquals("migration_check", listed.getString("ancestor_branch_name"));
    assertEquals(end, listed.getString("ancestor_lsn"));
    assertNull(list.getJsonObject(0).getValue("ancestor_branch_name"));
  }

  @Test
  void badBranchPointsAreRefusedAndNothingIsStored() {
    long end = storage.info(tenant, main.getString("id")).lastRecordLsn();
    int before = storage.timelineCount();

    assertRefused(400, "below the start", new JsonObject().put("name", "b").put("ancestor_start_lsn", Lsn.format(end - 8)));
    assertRefused(400, "beyond the ingested end",
        new JsonObject().put("name", "b").put("ancestor_start_lsn", Lsn.format(end + 8192)));
    assertRefused(400, "must be an LSN", new JsonObject().put("name", "b").put("ancestor_start_lsn", "16F9A00"));
    assertRefused(400, "at most one of", new JsonObject().put("name", "b").put("ancestor_start_lsn", Lsn.format(end))
        .put("ancestor_start_time", "2026-11-24 10:00:00+00"));
    assertRefused(400, "UTC offset", new JsonObject().put("name", "b").put("ancestor_start_time", "2026-11-24 10:00"));
    // No commit has been made on main yet: no LSN is that old.
    assertRefused(400, "no commit on branch \"main\"",
        new JsonObject().put("name", "b").put("ancestor_start_time", "2026-11-24 10:00:00+00"));
    assertRefused(404, "ancestor branch \"nope\" not found",
        new JsonObject().put("name", "b").put("ancestor_branch_name", "nope"));
    assertRefused(404, "ancestor timeline", new JsonObject().put("name", "b").put("ancestor_timeline_id", "d".repeat(32)));
    assertRefused(409, "\"main\" already exists", new JsonObject().put("name", "main"));
    expect(404, cp.post("/v1/tenants/" + "e".repeat(32) + "/timelines", new JsonObject().put("name", "b")));

    assertEquals(1L, cp.sql("SELECT count(*) FROM timelines"), "no row for a refused branch");
    assertEquals(before, storage.timelineCount(), "no pageserver timeline for a refused branch");
  }

  @Test
  void deleteIsRefusedWhileABranchHasChildrenOrARunningEndpoint() {
    JsonObject parent = branch(new JsonObject().put("name", "parent"), 201);
    JsonObject child = branch(new JsonObject().put("name", "child").put("ancestor_branch_name", "parent"), 201);

    JsonObject refused = expect(409, cp.delete(timelinePath(parent.getString("id"))));
    assertTrue(refused.getString("error").contains("child branches: child"), refused.encode());
    JsonObject rootRefused = expect(409, cp.delete(timelinePath(main.getString("id"))));
    assertTrue(rootRefused.getString("error").contains("child branches: parent"), rootRefused.encode());

    expect(201, cp.post("/v1/tenants/" + tenant + "/endpoints",
        new JsonObject().put("name", "child-ep").put("branch_name", "child")));
    cp.sql("UPDATE endpoints SET state = 'running' WHERE name = 'child-ep' RETURNING 1");
    JsonObject running = expect(409, cp.delete(timelinePath(child.getString("id"))));
    assertTrue(running.getString("error").contains("running endpoints: child-ep (running)"), running.encode());
    assertEquals(3L, cp.sql("SELECT count(*) FROM timelines"));
    assertTrue(storage.has(tenant, child.getString("id")));
    expect(404, cp.delete(timelinePath("f".repeat(32))));

    assumeTrue(storage.servesDeletes(), "this pageserver build does not delete timelines yet");
    cp.sql("UPDATE endpoints SET state = 'suspended' WHERE name = 'child-ep' RETURNING 1");
    expect(204, cp.delete(timelinePath(child.getString("id"))));
    assertFalse(storage.has(tenant, child.getString("id")));
    assertEquals(0L, cp.sql("SELECT count(*) FROM endpoints"), "its suspended endpoint went with it");
    expect(204, cp.delete(timelinePath(parent.getString("id"))));
    assertEquals(1L, cp.sql("SELECT count(*) FROM timelines"));
  }

  @Test
  void readOnlyEndpointsArePinnedAtACheckedLsn() {
    long end = storage.info(tenant, main.getString("id")).lastRecordLsn();
    String path = "/v1/tenants/" + tenant + "/endpoints";
    expect(201, cp.post(path, new JsonObject().put("name", "rw").put("branch_name", "main")));

    JsonObject old = expect(201, cp.post(path, new JsonObject().put("name", "old").put("branch_name", "main")
        .put("lsn", Lsn.format(end))));
    assertTrue(old.getBoolean("read_only"));
    assertEquals(Lsn.format(end), old.getString("lsn"));
    assertTrue(storage.handle.gc().leases().live(tenant, main.getString("id")).contains(end),
        "GC keeps a read-only endpoint's LSN (a lease taken at its creation)");
    assertEquals("suspended", old.getString("state"));
    // Any number of read-only endpoints next to the one read-write endpoint.
    expect(201, cp.post(path, new JsonObject().put("name", "old2").put("lsn", Lsn.format(end)).put("read_only", true)));

    JsonObject notBoundary = expect(400, cp.post(path, new JsonObject().put("name", "bad").put("lsn",
        Lsn.format(end - 8))));
    assertTrue(notBoundary.getString("error").contains("below the start"), notBoundary.encode());
    JsonObject beyond = expect(400, cp.post(path, new JsonObject().put("name", "bad").put("lsn",
        Lsn.format(end + 8192))));
    assertTrue(beyond.getString("error").contains("beyond"), beyond.encode());
    JsonObject noLsn = expect(400, cp.post(path, new JsonObject().put("name", "bad").put("read_only", true)));
    assertEquals("read-only endpoints need an lsn", noLsn.getString("error"));
    expect(400, cp.post(path, new JsonObject().put("name", "bad").put("lsn", "not-an-lsn")));
    expect(400, cp.post(path, new JsonObject().put("name", "bad").put("lsn", Lsn.format(end)).put("read_only", false)));
    expect(404, cp.post(path, new JsonObject().put("name", "bad").put("branch_name", "nope").put("lsn", Lsn.format(end))));
    expect(409, cp.post(path, new JsonObject().put("name", "old").put("lsn", Lsn.format(end))));
    assertEquals(3L, cp.sql("SELECT count(*) FROM endpoints"), "refused endpoints are not stored");
    assertEquals(2L, cp.sql("SELECT count(*) FROM endpoints WHERE read_only AND lsn = '" + Lsn.format(end) + "'"));
  }

  private JsonObject branch(JsonObject body, int status) {
    return expect(status, cp.post("/v1/tenants/" + tenant + "/timelines", body));
  }

  private void assertRefused(int status, String reason, JsonObject body) {
    JsonObject error = branch(body, status);
    assertTrue(error.getString("error").contains(reason), "'" + reason + "' in " + error.encode());
  }

  private String timelinePath(String timelineId) {
    return "/v1/tenants/" + tenant + "/timelines/" + timelineId;
  }

  @Test
  void readOnlyEndpointLeasesAreRenewedForEveryReadOnlyEndpoint(Vertx vertx) {
    long end = storage.info(tenant, main.getString("id")).lastRecordLsn();
    String path = "/v1/tenants/" + tenant + "/endpoints";
    expect(201, cp.post(path, new JsonObject().put("name", "rw").put("branch_name", "main")));
    expect(201, cp.post(path, new JsonObject().put("name", "old").put("lsn", Lsn.format(end))));
    expect(201, cp.post(path, new JsonObject().put("name", "old2").put("lsn", Lsn.format(end))));

    io.vertx.sqlclient.Pool pool = dev.argondb.controlplane.db.Database.connect(vertx,
        SharedPostgres.url(cp.database));
    try {
      var renewal = new dev.argondb.controlplane.pageserver.ReadOnlyEndpointLeases(
          new dev.argondb.controlplane.db.EndpointStore(pool),
          new dev.argondb.controlplane.pageserver.PageserverTimelines(vertx.eventBus()));
      assertEquals(2, ControlPlaneTestBed.await(renewal.renewAll()), "the two read-only endpoints, not rw");
      assertTrue(storage.handle.gc().leases().live(tenant, main.getString("id")).contains(end));
    } finally {
      pool.close();
    }
  }
}
