package dev.argondb.bus;

/**
 * Asks for the LSN of a point in time on a timeline (for {@code --ancestor-start-time}): the end of the
 * last commit record whose commit timestamp is at or before {@code epochMicros} (microseconds since
 * 1970-01-01 UTC), searching the timeline and then its ancestors up to the branch points. Reply:
 * {@link PageserverLsnAtTime}; fails with {@link BusErrors#NOT_FOUND} when no commit is that old.
 */
public record PageserverLsnForTime(String tenantId, String timelineId, long epochMicros) {}
