package dev.argondb.controlplane.model;

import java.time.Instant;

/** A Postgres role of a tenant. Its SCRAM verifier stays in the database and the compute; never shown. */
public record Role(String tenantId, String name, Instant createdAt) {}
