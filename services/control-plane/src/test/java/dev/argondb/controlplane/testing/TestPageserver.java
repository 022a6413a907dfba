package dev.argondb.controlplane.testing;

import dev.argondb.bus.Bus;
import dev.argondb.bus.BusAddresses;
import dev.argondb.bus.PageserverDeleteTimeline;
import dev.argondb.bus.PageserverGetTimeline;
import dev.argondb.bus.PageserverRef;
import dev.argondb.bus.PageserverTimelineInfo;
import dev.argondb.compute.postgres.PgFiles;
import dev.argondb.pageserver.PageserverConfig;
import dev.argondb.pageserver.PageserverService;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A real pageserver deployed on a test's Vert.x, in a temporary directory. Test-thread only (it blocks). */
public final class TestPageserver implements AutoCloseable {
  private static final long TIMEOUT_MILLIS = 60_000;

  private final Vertx vertx;
  private final Path dir;
  public final PageserverService.Handle handle;

  private TestPageserver(Vertx vertx, Path dir, PageserverService.Handle handle) {
    this.vertx = vertx;
    this.dir = dir;
    this.handle = handle;
  }

  public static TestPageserver start(Vertx vertx) throws IOException {
    Path dir = Files.createTempDirectory("argon-cp-pageserver-");
    PageserverService.Handle handle = ControlPlaneTestBed.await(PageserverService.deploy(vertx,
        PageserverConfig.defaults(dir, 0), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)));
    return new TestPageserver(vertx, dir, handle);
  }

  public PageserverRef ref() {
    return new PageserverRef(handle.host(), handle.port());
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
    PgFiles.deleteRecursively(dir);
  }
}
