package dev.argondb.bus;

/**
 * Runs a GC pass now over one tenant's timelines ({@code tenantId} null: every tenant), as the pageserver does
 * every {@code gc_period}. Reply: {@link PageserverGcResult} once it has finished.
 */
public record PageserverRunGc(String tenantId) {}
