package dev.argondb.controlplane.wal;

import dev.argondb.bus.Bus;
import dev.argondb.bus.BusAddresses;
import dev.argondb.bus.PageserverFollowTimeline;
import dev.argondb.bus.PageserverGetTimeline;
import dev.argondb.bus.PageserverTimelineInfo;
import dev.argondb.bus.SafekeeperRef;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import java.util.List;

/**
 * The control plane's questions to the pageserver around a compute start: where a timeline's WAL starts
 * (for a timeline whose first compute starts now), and "ingest this timeline from these safekeepers".
 */
public final class PageserverIngest {
  private final EventBus bus;
  private final List<SafekeeperRef> safekeepers;
  private final long timeoutMillis;

  public PageserverIngest(EventBus bus, List<SafekeeperRef> safekeepers, long timeoutMillis) {
    this.bus = bus;
    this.safekeepers = List.copyOf(safekeepers);
    this.timeoutMillis = timeoutMillis;
  }

  /** The LSN a timeline's own WAL starts at: its initdb checkpoint's end, or a branch's ancestor LSN. */
  public Future<Long> startLsn(String tenantId, String timelineId) {
    return Bus.request(bus, BusAddresses.PAGESERVER_TIMELINE_INFO, new PageserverGetTimeline(tenantId, timelineId),
        PageserverTimelineInfo.class, timeoutMillis).map(PageserverTimelineInfo::startLsn);
  }

  /** Has the pageserver follow the timeline's committed WAL on the safekeepers (idempotent). */
  public Future<PageserverTimelineInfo> follow(String tenantId, String timelineId) {
    return Bus.request(bus, BusAddresses.PAGESERVER_FOLLOW_TIMELINE,
        new PageserverFollowTimeline(tenantId, timelineId, safekeepers), PageserverTimelineInfo.class, timeoutMillis);
  }
}
