package dev.argondb.safekeeper.wal;

import dev.argondb.bus.TermStart;
import java.util.List;

/**
 * The durable state of one timeline on one safekeeper.
 *
 * @param term             highest term accepted (a compute of a lower term is refused)
 * @param termHistory      where the WAL of each term starts, ascending
 * @param timelineStartLsn where this timeline's WAL starts
 * @param commitLsn        how far a quorum is known to hold the WAL
 * @param systemId         the Postgres system identifier of the WAL, once known ({@code null} before)
 * @param flushLsn         a hint: fsynced WAL reached at least this far when the file was written; the
 *                         true end is recovered from the segments with {@link WalSegmentStore#findEnd}
 */
public record TimelineControl(long term, List<TermStart> termHistory, long timelineStartLsn, long commitLsn,
                              Long systemId, long flushLsn) {
  public TimelineControl {
    termHistory = List.copyOf(termHistory);
  }

  /** A new timeline whose WAL starts at {@code startLsn}, before any term. */
  public static TimelineControl empty(long startLsn) {
    return new TimelineControl(0, List.of(), startLsn, startLsn, null, startLsn);
  }

  public TimelineControl withTerm(long newTerm, List<TermStart> history) {
    return new TimelineControl(newTerm, history, timelineStartLsn, commitLsn, systemId, flushLsn);
  }

  public TimelineControl withCommitLsn(long lsn) {
    return new TimelineControl(term, termHistory, timelineStartLsn, lsn, systemId, flushLsn);
  }

  public TimelineControl withFlushLsn(long lsn) {
    return new TimelineControl(term, termHistory, timelineStartLsn, commitLsn, systemId, lsn);
  }

  public TimelineControl withSystemId(long id) {
    return new TimelineControl(term, termHistory, timelineStartLsn, commitLsn, id, flushLsn);
  }
}
