package dev.argondb.bus;

import java.util.List;

/**
 * Tells a safekeeper to stream the timeline's WAL from the compute at host:port (as replication
 * user {@code user}) under {@code term}. A safekeeper that missed {@link PrepareTerm} first does its
 * work with the same history. The password is a per-compute secret; never log it.
 */
public record FollowCompute(String tenantId, String timelineId, long term, List<TermStart> termHistory,
                            long startLsn, SafekeeperRef donor, String host, int port, String user,
                            String password) {
  @Override
  public String toString() {
    return "FollowCompute[" + tenantId + "/" + timelineId + " term " + term + " from " + host + ":" + port + "]";
  }
}
