package dev.argondb.bus;

/** Lists a tenant's snapshots. Reply: {@link PageserverSnapshots}. */
public record PageserverListSnapshots(String tenantId) {}
