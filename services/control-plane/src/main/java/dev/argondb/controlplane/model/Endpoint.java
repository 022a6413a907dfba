package dev.argondb.controlplane.model;

import dev.argondb.bus.ComputeState;
import java.time.Instant;

/**
 * An endpoint: a named Postgres compute serving one timeline. {@code host} and {@code port} are set only
 * while its compute runs; {@code lsn} is set for a read-only endpoint pinned to a past LSN.
 */
public record Endpoint(String id, String name, String tenantId, String timelineId, String branchName,
                       boolean readOnly, String lsn, ComputeState state, String host, Integer port,
                       int suspendTimeoutSeconds, Instant lastActiveAt, Instant createdAt) {

  /** Running with a known address: a wake can answer at once. */
  public boolean isReachable() {
    return state == ComputeState.RUNNING && host != null && port != null;
  }
}
