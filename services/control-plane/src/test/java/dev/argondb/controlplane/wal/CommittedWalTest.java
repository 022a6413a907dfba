package dev.argondb.controlplane.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.argondb.bus.TimelineState;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommittedWalTest {
  private static TimelineState state(String id, long flush, long commit) {
    return new TimelineState(id, "t", "tl", true, 1, List.of(), 100, flush, commit, null);
  }

  @Test
  void aCommitThatJustReturnedCountsBeforeTheSafekeepersHearOfIt() {
    // sk1 and sk2 fsynced up to 500 (the COMMIT returned), but gossip has not told anyone yet.
    assertEquals(500, CommittedWal.committed(List.of(state("sk1", 500, 300), state("sk2", 500, 300),
        state("sk3", 300, 300)), 2));
  }

  @Test
  void walOnOneSafekeeperOnlyIsNotCommitted() {
    assertEquals(300, CommittedWal.committed(List.of(state("sk1", 700, 300), state("sk2", 300, 300),
        state("sk3", 300, 300)), 2));
  }

  @Test
  void withFewerAnswersThanAQuorumOnlyTheKnownCommitLsnCounts() {
    assertEquals(300, CommittedWal.committed(List.of(state("sk1", 700, 300)), 2));
    assertEquals(0, CommittedWal.committed(List.of(), 2));
  }

  @Test
  void aKnownCommitLsnAboveWhatTheAnsweringQuorumHoldsIsKept() {
    // sk3 (down) and sk1 hold 900; sk2 lags: sk1 knows 900 is committed.
    assertEquals(900, CommittedWal.committed(List.of(state("sk1", 900, 900), state("sk2", 400, 400)), 2));
  }
}
