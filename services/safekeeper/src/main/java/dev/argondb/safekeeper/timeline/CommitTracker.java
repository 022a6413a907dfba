package dev.argondb.safekeeper.timeline;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The commit LSN of one timeline as this safekeeper can know it: the highest LSN that a quorum of
 * safekeepers (itself included) reported fsynced under the current term. Only WAL below it may go
 * to the pageserver: above it a new term may still cut it.
 */
public final class CommitTracker {
  private record Flush(long term, long lsn) {}

  private final int quorum;
  private final Map<String, Flush> flushBySafekeeper = new HashMap<>();

  public CommitTracker(int quorum) {
    this.quorum = quorum;
  }

  public void reported(String safekeeperId, long term, long flushLsn) {
    Flush previous = flushBySafekeeper.get(safekeeperId);
    if (previous == null || term > previous.term || (term == previous.term && flushLsn > previous.lsn)) {
      flushBySafekeeper.put(safekeeperId, new Flush(term, flushLsn));
    }
  }

  /** The quorum-th highest flush among safekeepers on {@code term}; 0 while fewer than a quorum reported it. */
  public long commitLsn(long term) {
    List<Long> flushes = new ArrayList<>();
    for (Flush flush : flushBySafekeeper.values()) {
      if (flush.term == term) {
        flushes.add(flush.lsn);
      }
    }
    if (flushes.size() < quorum) {
      return 0;
    }
    flushes.sort((a, b) -> Long.compare(b, a));
    return flushes.get(quorum - 1);
  }
}
