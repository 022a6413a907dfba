package dev.argondb.bus;

import java.util.List;

/**
 * Starts (or returns the address of the already running) compute for an endpoint. {@code wal} is null
 * when the deployment has no safekeepers (the compute keeps its WAL only locally) and for a read-only
 * endpoint. {@code basebackup} is null when the deployment has no pageserver: the compute then keeps its
 * data directory (initdb on first use).
 */
public record StartCompute(String endpointId, String endpointName, String tenantId, String timelineId,
                           List<RoleSpec> roles, WalSource wal, BasebackupSource basebackup) {}
