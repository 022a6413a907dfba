package dev.argondb.safekeeper.timeline;

import dev.argondb.bus.FollowCompute;
import dev.argondb.bus.TermStart;
import dev.argondb.bus.TimelineState;
import dev.argondb.safekeeper.wal.TimelineControl;
import dev.argondb.safekeeper.wal.WalSegmentStore;
import dev.argondb.safekeeper.wal.WalWriter;
import java.util.List;

/**
 * One timeline on this safekeeper: its accepted term and history, its WAL (store and group-commit
 * writer), how far it is fsynced and committed, and the compute it follows. Changed only on the
 * safekeeper verticle's event loop; the LSNs are volatile because the WAL-serving verticle reads them.
 */
public final class SafekeeperTimeline {
  public final TimelineKey key;
  public final WalSegmentStore store;
  public final WalWriter writer;
  public final CommitTracker commits;

  public volatile long term;
  public volatile List<TermStart> history;
  public volatile long startLsn;
  /** End of the last complete record fsynced: a record boundary, what elections compare. */
  public volatile long recordFlushLsn;
  public volatile long commitLsn;
  public volatile Long systemId;
  /** The compute being followed and its receiver, while following. */
  public FollowCompute following;
  public WalReceiver receiver;

  public SafekeeperTimeline(TimelineKey key, WalSegmentStore store, WalWriter writer, TimelineControl control,
                            long recordFlushLsn, int quorum) {
    this.key = key;
    this.store = store;
    this.writer = writer;
    this.commits = new CommitTracker(quorum);
    this.term = control.term();
    this.history = List.copyOf(control.termHistory());
    this.startLsn = control.timelineStartLsn();
    this.commitLsn = control.commitLsn();
    this.systemId = control.systemId();
    this.recordFlushLsn = recordFlushLsn;
  }

  public TimelineControl control() {
    return new TimelineControl(term, history, startLsn, commitLsn, systemId, recordFlushLsn);
  }

  public TimelineState state(String safekeeperId) {
    return new TimelineState(safekeeperId, key.tenantId(), key.timelineId(), true, term, history, startLsn,
        recordFlushLsn, commitLsn, following == null ? null : following.host() + ":" + following.port());
  }

  public static TimelineState missing(String safekeeperId, TimelineKey key) {
    return new TimelineState(safekeeperId, key.tenantId(), key.timelineId(), false, 0, List.of(), 0, 0, 0, null);
  }
}
