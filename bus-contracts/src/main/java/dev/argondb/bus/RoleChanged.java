package dev.argondb.bus;

/**
 * Event: a role of {@code tenantId} was created, deleted or got a new verifier. Gateways drop what they cached
 * about it (its verifier, pooled server connections), so a changed password takes effect at once.
 */
public record RoleChanged(String tenantId, String roleName) {}
