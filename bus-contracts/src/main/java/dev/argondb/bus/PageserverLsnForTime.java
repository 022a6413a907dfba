package dev.argondb.bus;

/**
 * Asks for the LSN of a point in time on a timeline (for {@code --ancestor-start-time}): the end of the
 * last commit record whose commit timestamp is at or before {@code epochMicros} (microseconds since
 * 1970-01-01 UTC), searching the timeline and then its ancestors up to the branch points. Reply:
 * {@link PageserverLsnAtTime}; fails with {@link BusErrors#NOT_FOUND} when no commit is that old, and with
 * {@link BusErrors#BAD_REQUEST} when the time is older than the tenant's PITR window. With {@code leaseMillis}
 * above 0 the LSN found is held from GC for that long (see {@link PageserverCheckLsn}).
 */
public record PageserverLsnForTime(String tenantId, String timelineId, long epochMicros, long leaseMillis) {
  /** No GC lease. */
  public PageserverLsnForTime(String tenantId, String timelineId, long epochMicros) {
    this(tenantId, timelineId, epochMicros, 0);
  }
}
