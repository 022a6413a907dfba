package dev.argondb.bus;

import java.util.List;

/**
 * Tells the pageserver to ingest a timeline's committed WAL from these safekeepers' {@code StreamWal}
 * (one at a time, the next on failure), from its last ingested record on. Remembered across pageserver
 * restarts; an empty list stops following. Reply: {@link PageserverTimelineInfo}.
 */
public record PageserverFollowTimeline(String tenantId, String timelineId, List<SafekeeperRef> safekeepers) {}
