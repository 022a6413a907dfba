package dev.argondb.bus;

import java.util.List;

/**
 * Gives a running compute the tenant's current roles (as {@link StartCompute} does at start), so a role
 * created, reset or deleted while the endpoint runs takes effect at once.
 */
public record SyncComputeRoles(String endpointId, List<RoleSpec> roles) {}
