package dev.argondb.bus;

/** A Postgres role a compute must have: its name and SCRAM-SHA-256 verifier (never a plaintext password). */
public record RoleSpec(String name, String scramVerifier) {}
