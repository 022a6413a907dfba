package dev.argondb.bus;

import java.util.List;

/**
 * What one safekeeper holds of a timeline: the highest term it accepted, the term history of its
 * WAL, and the LSNs of its WAL: where it starts, how far it is fsynced, and how far it knows a
 * quorum has fsynced it. {@code exists} is false for a timeline it has never seen.
 */
public record TimelineState(String safekeeperId, String tenantId, String timelineId, boolean exists, long term,
                            List<TermStart> termHistory, long startLsn, long flushLsn, long commitLsn,
                            String followingCompute) {}
