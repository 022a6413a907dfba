package dev.argondb.safekeeper.timeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CommitTrackerTest {

  @Test
  void commitIsTheQuorumthHighestFlushOfTheCurrentTerm() {
    CommitTracker tracker = new CommitTracker(2);
    tracker.reported("sk1", 3, 900);
    assertEquals(0, tracker.commitLsn(3), "one safekeeper is no quorum");
    tracker.reported("sk2", 3, 700);
    tracker.reported("sk3", 2, 1000);
    assertEquals(700, tracker.commitLsn(3), "a flush of an older term does not count");
    tracker.reported("sk3", 3, 800);
    assertEquals(800, tracker.commitLsn(3));
  }

  @Test
  void aStaleReportDoesNotMoveAFlushBack() {
    CommitTracker tracker = new CommitTracker(1);
    tracker.reported("sk1", 3, 900);
    tracker.reported("sk1", 3, 500);
    assertEquals(900, tracker.commitLsn(3));
  }
}
