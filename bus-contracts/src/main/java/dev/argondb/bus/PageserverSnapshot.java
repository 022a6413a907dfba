package dev.argondb.bus;

/**
 * A named snapshot: a point (timeline, LSN) of a tenant that GC keeps, so a branch can start there later.
 * Names are unique per tenant. {@code createdEpochMillis} is when it was taken.
 */
public record PageserverSnapshot(String tenantId, String name, String timelineId, long lsn, long createdEpochMillis) {}
