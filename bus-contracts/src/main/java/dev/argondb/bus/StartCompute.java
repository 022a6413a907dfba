package dev.argondb.bus;

import java.util.List;

/**
 * Starts (or returns the address of the already running) compute for an endpoint. {@code wal} is null
 * when the deployment has no safekeepers: the compute then keeps its WAL only locally.
 */
public record StartCompute(String endpointId, String endpointName, String tenantId, String timelineId,
                           List<RoleSpec> roles, WalSource wal) {}
