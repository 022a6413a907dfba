package dev.argondb.pageserver.basebackup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.argondb.pgformat.WalSegments;
import org.junit.jupiter.api.Test;

class BasebackupPlannerTest {
  @Test
  void theLastSegmentIsCutAtTheEndOfTheWalPageHoldingTheLsn() {
    long segment = 5L * WalSegments.SEGMENT_SIZE;
    assertEquals(0, BasebackupPlanner.lastSegmentBytes(segment), "at a segment start: nothing of it");
    assertEquals(8192, BasebackupPlanner.lastSegmentBytes(segment + 40));
    assertEquals(8192, BasebackupPlanner.lastSegmentBytes(segment + 8192), "at a page start: up to it");
    assertEquals(3 * 8192, BasebackupPlanner.lastSegmentBytes(segment + 2 * 8192 + 1));
    assertEquals(WalSegments.SEGMENT_SIZE, BasebackupPlanner.lastSegmentBytes(segment + WalSegments.SEGMENT_SIZE - 8));
  }
}
