package dev.argondb.controlplane.testing;

import dev.argondb.bus.Bus;
import dev.argondb.bus.BusAddresses;
import dev.argondb.bus.PageserverDeleteTimeline;
import dev.argondb.bus.PageserverGetTimeline;
import dev.argondb.bus.PageserverRef;
import dev.argondb.bus.PageserverTimelineInfo;
import dev.argondb.pgruntime.PgFiles;
import dev.argondb.controlplane.ControlPlaneConfig;
import dev.argondb.pageserver.PageserverConfig;
import dev.argondb.pageserver.PageserverService;
import dev.argondb.safekeeper.SafekeeperConfig;
import dev.argondb.safekeeper.SafekeeperService;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The storage side on a test's Vert.x, in a temporary directory: a real pageserver and one real safekeeper
 * (a control plane configures both or neither). Test-thread only (it blocks).
 */
public final class TestStorage implements AutoCloseable {
  private static final long TIMEOUT_MILLIS = 60_000;
  public static final String SAFEKEEPER = "sk1";

  private final Vertx vertx;
  private final Path dir;
  public final PageserverService.Handle handle;
  public final SafekeeperService.Handle safekeeper;

  private TestStorage(Vertx vertx, Path dir, PageserverService.Handle handle, SafekeeperService.Handle safekeeper) {
    this.vertx = vertx;
    this.dir = dir;
    this.handle = handle;
    this.safekeeper = safekeeper;
  }

  public static TestStorage start(Vertx vertx) throws IOException {
    Path dir = Files.createTempDirectory("argon-cp-storage-");
    SafekeeperService.Handle safekeeper = ControlPlaneTestBed.await(SafekeeperService.deploy(vertx,
        new SafekeeperConfig(SAFEKEEPER, dir.resolve(SAFEKEEPER), "127.0.0.1", 0, 1), registry()));
    PageserverService.Handle handle = ControlPlaneTestBed.await(PageserverService.deploy(vertx,
        PageserverConfig.defaults(dir.resolve("pageserver"), 0), registry()));
    return new TestStorage(vertx, dir, handle, safekeeper);
  }

  /** A control plane's settings with this pageserver and safekeeper (WAL quorum 1). */
  public ControlPlaneConfig configure(ControlPlaneConfig config) {
    return config.withStorage(List.of(safekeeper.ref()), 1, new PageserverRef(handle.host(), handle.port()));
  }

  private static PrometheusMeterRegistry registry() {
    return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  /** What the pageserver holds of the timeline (fails with a ReplyException for an unknown one). */
  public PageserverTimelineInfo info(String tenantId, String timelineId) {
    return Bus.request(vertx.eventBus(), BusAddresses.PAGESERVER_TIMELINE_INFO,
        new PageserverGetTimeline(tenantId, timelineId), PageserverTimelineInfo.class, TIMEOUT_MILLIS).await();
  }

  public boolean has(String tenantId, String timelineId) {
    return handle.timelines().exists(tenantId, timelineId);
  }

  public int timelineCount() {
    return handle.timelines().all().size();
  }

  /** Whether this build's pageserver serves timeline deletes (an unknown timeline is NOT_FOUND, not unserved). */
  public boolean servesDeletes() {
    try {
      Bus.request(vertx.eventBus(), BusAddresses.PAGESERVER_DELETE_TIMELINE,
          new PageserverDeleteTimeline("0".repeat(32), "0".repeat(32)), PageserverTimelineInfo.class, TIMEOUT_MILLIS)
          .await();
      return true;
    } catch (ReplyException e) {
      return e.failureType() != ReplyFailure.NO_HANDLERS;
    }
  }

  @Override
  public void close() throws IOException {
    ControlPlaneTestBed.await(handle.undeploy(vertx));
    ControlPlaneTestBed.await(safekeeper.undeploy(vertx));
    PgFiles.deleteRecursively(dir);
  }
}
