package dev.argondb.bus;

/**
 * Event: the pageserver holds the timeline's WAL up to {@code lsn} (a record boundary) in remote storage, with
 * a usable image below it: a pageserver rebuilt from remote storage resumes ingest there, so safekeepers need
 * keep only the WAL from {@code lsn} on.
 */
public record PageserverRemoteConsistent(String tenantId, String timelineId, long lsn) {}
