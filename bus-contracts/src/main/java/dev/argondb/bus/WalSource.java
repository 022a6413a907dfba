package dev.argondb.bus;

import java.util.List;

/**
 * How a compute gets and keeps its timeline's WAL: it starts from the safekeepers' WAL up to
 * {@code endLsn} (read from {@code donor}; 0 = the timeline has no WAL yet, start from a fresh
 * initdb), and runs with {@code synchronous_standby_names = 'ANY quorum (safekeeperIds)'} so a COMMIT
 * returns only when a quorum of safekeepers fsynced it. The replication role the safekeepers log in
 * as is given by its SCRAM verifier only.
 */
public record WalSource(long term, List<TermStart> termHistory, long endLsn, SafekeeperRef donor,
                        List<String> safekeeperIds, int quorum, String replicationUser,
                        String replicationVerifier) {

  /** The physical replication slot a safekeeper streams from; slot names allow [a-z0-9_] only. */
  public static String slotName(String safekeeperId) {
    return "argon_" + safekeeperId.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
  }

  /** Where the timeline's WAL starts: the first term's start. */
  public long timelineStartLsn() {
    return termHistory.isEmpty() ? 0 : termHistory.get(0).lsn();
  }

  /**
   * How far WAL written under {@code term} agrees with this history: up to where the next term
   * started; -1 if {@code term} is not in it (that compute's WAL was never chosen).
   */
  public long validUntil(long term) {
    for (int i = 0; i < termHistory.size(); i++) {
      if (termHistory.get(i).term() == term) {
        return i + 1 < termHistory.size() ? termHistory.get(i + 1).lsn() : Long.MAX_VALUE;
      }
    }
    return -1;
  }
}
