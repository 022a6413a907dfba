package dev.argondb.bus;

/** Asks a safekeeper what it holds of a timeline. */
public record GetTimelineState(String tenantId, String timelineId) {}
