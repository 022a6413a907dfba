package dev.argondb.bus;

/**
 * Deletes a timeline from the pageserver: stops its ingest and removes its WAL, index and images. Reply:
 * the deleted {@link PageserverTimelineInfo}; fails with {@link BusErrors#NOT_FOUND} for an unknown
 * timeline and {@link BusErrors#CONFLICT} while other timelines branch from it.
 */
public record PageserverDeleteTimeline(String tenantId, String timelineId) {}
