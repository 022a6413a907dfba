package dev.argondb.bus;

/** Event: safekeeper {@code safekeeperId} has fsynced the timeline's WAL of {@code term} up to {@code flushLsn}. */
public record SafekeeperFlushed(String safekeeperId, String tenantId, String timelineId, long term, long flushLsn) {}
