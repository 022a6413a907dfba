package dev.argondb.bus;

/** Asks the pageserver for {@link PageserverTimelineInfo}; fails with {@link BusErrors#NOT_FOUND} for an unknown timeline. */
public record PageserverGetTimeline(String tenantId, String timelineId) {}
