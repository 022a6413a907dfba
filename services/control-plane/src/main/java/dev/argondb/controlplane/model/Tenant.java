package dev.argondb.controlplane.model;

import java.time.Instant;

/** A tenant (a "project" in the console): owns timelines, endpoints and roles. */
public record Tenant(String id, Instant createdAt) {}
