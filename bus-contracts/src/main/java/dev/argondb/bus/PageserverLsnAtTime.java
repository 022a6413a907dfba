package dev.argondb.bus;

/**
 * The answer to {@link PageserverLsnForTime}: {@code lsn} is the end of the commit record found (a record
 * boundary, valid as a branch point), {@code commitEpochMicros} its commit timestamp, and
 * {@code timelineId} the timeline whose WAL holds it (an ancestor's when the time precedes the branch).
 */
public record PageserverLsnAtTime(String tenantId, String timelineId, long lsn, long commitEpochMicros) {}
