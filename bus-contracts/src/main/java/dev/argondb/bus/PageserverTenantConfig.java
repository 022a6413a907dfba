package dev.argondb.bus;

/**
 * A tenant's settings that the pageserver needs: {@code pitrIntervalSeconds}, how far back branches at a time or
 * an LSN must stay possible (GC keeps that history). Sent by the control plane when a tenant is created or
 * changed and for every tenant when it starts; the reply is the same record as the pageserver stored it.
 */
public record PageserverTenantConfig(String tenantId, long pitrIntervalSeconds) {}
