package dev.argondb.bus;

/**
 * Asks the pageserver to have ingested a timeline's WAL up to {@code lsn} (the safekeepers' commit LSN)
 * before answering, so a branch "at the current end" or at a time sees every commit acknowledged before the
 * request. Done when every record ending at or below {@code lsn} is indexed (its WAL received up to
 * {@code lsn}). Reply: {@link PageserverTimelineInfo}; fails with {@link BusErrors#UNAVAILABLE} after
 * {@code timeoutMillis}, naming how far ingest got.
 */
public record PageserverCatchUp(String tenantId, String timelineId, long lsn, long timeoutMillis) {}
