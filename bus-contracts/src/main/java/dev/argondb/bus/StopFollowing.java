package dev.argondb.bus;

/** The compute of {@code term} was suspended: stop streaming from it (a later term's follow supersedes it anyway). */
public record StopFollowing(String tenantId, String timelineId, long term) {}
