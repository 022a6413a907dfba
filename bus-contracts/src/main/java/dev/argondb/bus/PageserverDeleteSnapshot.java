package dev.argondb.bus;

/**
 * Deletes a tenant's snapshot; GC may then collect what only it kept. Reply: the deleted
 * {@link PageserverSnapshot}; fails with {@link BusErrors#NOT_FOUND} for an unknown name.
 */
public record PageserverDeleteSnapshot(String tenantId, String name) {}
