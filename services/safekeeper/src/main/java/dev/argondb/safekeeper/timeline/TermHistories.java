package dev.argondb.safekeeper.timeline;

import dev.argondb.bus.TermStart;
import java.util.List;

/**
 * Where two WAL histories part. WAL written under a term that both histories list with the same
 * start agrees until the earlier of the two next-term starts; WAL past that point on this
 * safekeeper was written by a compute the new leader's history does not continue, and must go.
 */
public final class TermHistories {
  private TermHistories() {}

  /** The LSN up to which WAL with history {@code mine} agrees with {@code leader} (Long.MAX_VALUE: all of it). */
  public static long agreementEnd(List<TermStart> mine, List<TermStart> leader) {
    int common = 0;
    while (common < mine.size() && common < leader.size() && mine.get(common).equals(leader.get(common))) {
      common++;
    }
    long end = Long.MAX_VALUE;
    if (common < mine.size()) {
      end = Math.min(end, mine.get(common).lsn());
    }
    if (common < leader.size()) {
      end = Math.min(end, leader.get(common).lsn());
    }
    return end;
  }
}
