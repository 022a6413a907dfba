package dev.argondb.safekeeper.timeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.argondb.bus.TermStart;
import java.util.List;
import org.junit.jupiter.api.Test;

class TermHistoriesTest {

  @Test
  void aPrefixAgreesUntilTheLeadersNextTerm() {
    List<TermStart> mine = List.of(new TermStart(1, 100));
    List<TermStart> leader = List.of(new TermStart(1, 100), new TermStart(2, 500));
    assertEquals(500, TermHistories.agreementEnd(mine, leader));
  }

  @Test
  void walOfATermTheLeaderSkippedIsCutWhereThatTermStarted() {
    // Term 2 wrote WAL from 500 on this safekeeper only; term 3 was elected from another at 400.
    List<TermStart> mine = List.of(new TermStart(1, 100), new TermStart(2, 500));
    List<TermStart> leader = List.of(new TermStart(1, 100), new TermStart(3, 400));
    assertEquals(400, TermHistories.agreementEnd(mine, leader));
  }

  @Test
  void identicalHistoriesAgreeEverywhere() {
    List<TermStart> same = List.of(new TermStart(1, 100), new TermStart(2, 500));
    assertEquals(Long.MAX_VALUE, TermHistories.agreementEnd(same, same));
  }

  @Test
  void anEmptyHistoryAgreesUpToTheLeadersFirstTerm() {
    assertEquals(100, TermHistories.agreementEnd(List.of(), List.of(new TermStart(1, 100))));
  }
}
