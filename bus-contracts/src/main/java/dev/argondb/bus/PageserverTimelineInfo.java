package dev.argondb.bus;

import java.util.List;

/**
 * What the pageserver holds of a timeline. {@code startLsn} is where its own WAL starts (a root
 * timeline: the end of initdb's checkpoint record; a branch: its ancestor LSN); {@code lastRecordLsn}
 * the end of the last WAL record ingested (= {@code startLsn} before any); {@code imageLsns} the LSNs
 * of its own images; {@code following} the safekeepers it ingests from (empty: not following).
 */
public record PageserverTimelineInfo(String tenantId, String timelineId, String ancestorTimelineId, long ancestorLsn,
                                     long startLsn, long lastRecordLsn, List<Long> imageLsns,
                                     List<SafekeeperRef> following) {}
