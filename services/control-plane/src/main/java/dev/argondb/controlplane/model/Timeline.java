package dev.argondb.controlplane.model;

import java.time.Instant;

/**
 * A timeline (a "branch"): a root timeline has no ancestor; a branch is a child of
 * {@code ancestorTimelineId} at {@code ancestorLsn} (printed as Postgres prints an LSN, {@code 0/16B5A50}).
 */
public record Timeline(String id, String tenantId, String name, String ancestorTimelineId, String ancestorLsn,
                       Instant createdAt) {

  /** The root timeline every tenant gets at creation, as Neon's {@code neon_local} does. */
  public static final String MAIN = "main";
}
