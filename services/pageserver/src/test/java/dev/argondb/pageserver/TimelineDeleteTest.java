package dev.argondb.pageserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.argondb.bus.Bus;
import dev.argondb.bus.BusAddresses;
import dev.argondb.bus.BusErrors;
import dev.argondb.bus.PageserverCreateTimeline;
import dev.argondb.bus.PageserverDeleteTimeline;
import dev.argondb.bus.PageserverGetTimeline;
import dev.argondb.bus.PageserverTimelineInfo;
import dev.argondb.compute.basebackup.BasebackupClient;
import dev.argondb.pgruntime.PgFiles;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Deleting timelines: refused while a branch depends on it or when unknown; ends the basebackups waiting on
 * it; removes its directory and meters; a deletion cut short by a crash is finished at the next load.
 */
class TimelineDeleteTest {
  private static final String TENANT = "0123456789abcdef0123456789abcdef";
  private static final String MAIN = "11111111111111111111111111111111";
  private static final String BRANCH = "22222222222222222222222222222222";
  private static final long TIMEOUT = 60_000;

  private Vertx vertx;
  private Path root;
  private PrometheusMeterRegistry registry;
  private PageserverService.Handle pageserver;

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    root = Files.createTempDirectory("argon-timeline-delete-");
    pageserver = deploy();
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await();
    PgFiles.deleteRecursively(root);
  }

  @Test
  void deletesABranchThenItsAncestorAndFinishesAnInterruptedDeletionAtLoad() throws Exception {
    PageserverTimelineInfo main = request(BusAddresses.PAGESERVER_CREATE_TIMELINE,
        PageserverCreateTimeline.root(TENANT, MAIN, TestCompute.USER, TestCompute.PASSWORD));
    request(BusAddresses.PAGESERVER_CREATE_TIMELINE, PageserverCreateTimeline.branch(TENANT, BRANCH, MAIN, 0));
    Path branchDir = pageserver.timelines().directoryOf(TENANT, BRANCH);
    assertTrue(Files.isDirectory(branchDir));
    assertEquals(2.0, registry.get("argon_pageserver_tenant_timelines").tags("tenant", TENANT).gauge().value());

    assertFails(BusErrors.CONFLICT, "ancestor of " + BRANCH, new PageserverDeleteTimeline(TENANT, MAIN));
    assertFails(BusErrors.NOT_FOUND, "no timeline", new PageserverDeleteTimeline(TENANT,
        "33333333333333333333333333333333"));
    assertFails(BusErrors.BAD_REQUEST, "32 lowercase hex", new PageserverDeleteTimeline(TENANT, "../" + MAIN));

    // A basebackup waiting for WAL the branch has not ingested ends when the branch is deleted.
    Future<Long> waiting = new BasebackupClient(vertx, GrpcClient.client(vertx)).fetch(
        SocketAddress.inetSocketAddress(pageserver.port(), pageserver.host()), TENANT, BRANCH,
        main.startLsn() + (1 << 20), root.resolve("waiting").resolve("pgdata"));
    awaitWaitingBasebackups(1);

    PageserverTimelineInfo deleted = request(BusAddresses.PAGESERVER_DELETE_TIMELINE,
        new PageserverDeleteTimeline(TENANT, BRANCH));
    assertEquals(BRANCH, deleted.timelineId());
    assertEquals(MAIN, deleted.ancestorTimelineId());
    Exception refused = assertThrows(Exception.class, waiting::await);
    assertTrue(refused.getMessage().contains("NOT_FOUND") && refused.getMessage().contains("was deleted"),
        refused.getMessage());
    assertFalse(Files.exists(root.resolve("waiting").resolve("pgdata")));
    assertFalse(Files.exists(branchDir), "the branch's directory is gone");
    assertFails(BusErrors.NOT_FOUND, "no timeline", new PageserverGetTimeline(TENANT, BRANCH));
    assertNull(registry.find("argon_pageserver_last_record_lsn").tags("timeline", BRANCH).gauge(),
        "the deleted timeline's meters are gone");
    assertEquals(1.0, registry.get("argon_pageserver_tenant_timelines").tags("tenant", TENANT).gauge().value());

    // The id is free again.
    request(BusAddresses.PAGESERVER_CREATE_TIMELINE, PageserverCreateTimeline.branch(TENANT, BRANCH, MAIN, 0));
    request(BusAddresses.PAGESERVER_DELETE_TIMELINE, new PageserverDeleteTimeline(TENANT, BRANCH));

    // A crash after the rename leaves a deleted-* directory (a full copy of a timeline): the next load removes it.
    Path mainDir = pageserver.timelines().directoryOf(TENANT, MAIN);
    Path leftover = mainDir.resolveSibling("deleted-" + BRANCH + "-1");
    PgFiles.copyRecursively(mainDir, leftover);
    pageserver.undeploy(vertx).await();
    pageserver = deploy();
    assertFalse(Files.exists(leftover), "a half-deleted directory is removed at load");
    assertEquals(1, pageserver.timelines().all().size());

    request(BusAddresses.PAGESERVER_DELETE_TIMELINE, new PageserverDeleteTimeline(TENANT, MAIN));
    assertFalse(Files.exists(mainDir));
    assertNull(registry.find("argon_pageserver_tenant_timelines").tags("tenant", TENANT).gauge(),
        "a tenant without timelines has no gauge");
    pageserver.undeploy(vertx).await();
    pageserver = deploy();
    assertEquals(0, pageserver.timelines().all().size());
  }

  private PageserverService.Handle deploy() {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    return PageserverService.deploy(vertx, PageserverConfig.defaults(root.resolve("pageserver"), 0), registry).await();
  }

  private void awaitWaitingBasebackups(int count) throws InterruptedException {
    long deadline = System.currentTimeMillis() + TIMEOUT;
    while (registry.get("argon_pageserver_basebackups_waiting").gauge().value() != count) {
      assertTrue(System.currentTimeMillis() < deadline, count + " basebackup(s) wait for ingest");
      Thread.sleep(10);
    }
  }

  private void assertFails(int code, String reason, Object message) {
    String address = message instanceof PageserverGetTimeline ? BusAddresses.PAGESERVER_TIMELINE_INFO
        : BusAddresses.PAGESERVER_DELETE_TIMELINE;
    ReplyException e = assertThrows(ReplyException.class, () -> request(address, message));
    assertEquals(code, e.failureCode(), e.getMessage());
    assertTrue(e.getMessage().contains(reason), "'" + reason + "' in: " + e.getMessage());
  }

  private PageserverTimelineInfo request(String address, Object message) {
    return Bus.request(vertx.eventBus(), address, message, PageserverTimelineInfo.class, TIMEOUT).await();
  }
}
