package dev.argondb.bus;

/**
 * Reply to {@link RoleVerifierLookup}: the role's SCRAM-SHA-256 verifier, or null when the tenant has no
 * such role (the gateway then fails the login exactly like a wrong password, revealing nothing).
 */
public record RoleVerifier(String endpointName, String tenantId, String roleName, String scramVerifier) {}
