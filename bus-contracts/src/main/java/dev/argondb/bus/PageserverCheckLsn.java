package dev.argondb.bus;

/**
 * Asks the pageserver whether a compute can start on a timeline at {@code lsn} (e.g. a read-only endpoint
 * pinned there; 0: its ingested end): the LSN must be a WAL record boundary between the timeline's start and its
 * ingested end, not below its GC cutoff unless GC retained it.
 * Reply: the timeline's {@link PageserverTimelineInfo}; fails with {@link BusErrors#BAD_REQUEST} (not a
 * record boundary), 416 (outside the timeline's WAL) or {@link BusErrors#NOT_FOUND} (unknown timeline).
 */
public record PageserverCheckLsn(String tenantId, String timelineId, long lsn, long leaseMillis) {
  /** No GC lease. */
  public PageserverCheckLsn(String tenantId, String timelineId, long lsn) {
    this(tenantId, timelineId, lsn, 0);
  }
}
