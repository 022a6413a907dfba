package dev.argondb.bus;

/** The gateway asks for the SCRAM verifier of a role, in the tenant that owns {@code endpointName}. */
public record RoleVerifierLookup(String endpointName, String roleName) {}
