package dev.argondb.controlplane.model;

import java.time.Instant;

/**
 * A tenant (a "project" in the console): owns timelines, endpoints and roles. {@code pitrIntervalSeconds} is its
 * PITR window: branches at a time or LSN that recent stay possible (the pageserver's GC keeps that history).
 */
public record Tenant(String id, Instant createdAt, long pitrIntervalSeconds) {
  public static final long DEFAULT_PITR_INTERVAL_SECONDS = 7 * 24 * 3600;
}
