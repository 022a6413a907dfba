package dev.argondb.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class TimelineTreeTest {
  private static final String MAIN = "de200bd42b49cc1814412c7e592dd6e9";

  @Test
  void oneBranchUnderMainPrintsAsNeonLocalDoes() {
    JsonArray timelines = new JsonArray()
        .add(timeline(MAIN, "main", null, null))
        .add(timeline("b3b863fa45fa9e57e615f9f2d944e601", "migration_check", MAIN, "0/16F9A00"));
    assertEquals("""
        (L) main [de200bd42b49cc1814412c7e592dd6e9]
        (L) ┗━ @0/16F9A00: migration_check [b3b863fa45fa9e57e615f9f2d944e601]
        """, TimelineTree.render(timelines));
  }

  @Test
  void siblingsAreOrderedByLsnAndNestedBranchesContinueTheirAncestorsLine() {
    JsonArray timelines = new JsonArray()
        .add(timeline(MAIN, "main", null, null))
        // Listed in creation order; the later LSN was branched first.
        .add(timeline("2".repeat(32), "late", MAIN, "0/2000000"))
        .add(timeline("1".repeat(32), "early", MAIN, "0/16F9A00"))
        .add(timeline("3".repeat(32), "early_child", "1".repeat(32), "0/1700000"))
        .add(timeline("4".repeat(32), "late_child", "2".repeat(32), "0/2000100"))
        .add(timeline("5".repeat(32), "grandchild", "3".repeat(32), "0/1800000"))
        .add(timeline("6".repeat(32), "other_root", null, null));
    assertEquals("""
        (L) main [de200bd42b49cc1814412c7e592dd6e9]
        (L) ┣━ @0/16F9A00: early [11111111111111111111111111111111]
        (L) ┃  ┗━ @0/1700000: early_child [33333333333333333333333333333333]
        (L) ┃     ┗━ @0/1800000: grandchild [55555555555555555555555555555555]
        (L) ┗━ @0/2000000: late [22222222222222222222222222222222]
        (L)    ┗━ @0/2000100: late_child [44444444444444444444444444444444]
        (L) other_root [66666666666666666666666666666666]
        """, TimelineTree.render(timelines));
  }

  @Test
  void lsnsCompareAsNumbersNotAsText() {
    JsonArray timelines = new JsonArray()
        .add(timeline(MAIN, "main", null, null))
        .add(timeline("1".repeat(32), "high", MAIN, "1/0"))
        .add(timeline("2".repeat(32), "low", MAIN, "0/FFFFFFF"));
    assertEquals("""
        (L) main [de200bd42b49cc1814412c7e592dd6e9]
        (L) ┣━ @0/FFFFFFF: low [22222222222222222222222222222222]
        (L) ┗━ @1/0: high [11111111111111111111111111111111]
        """, TimelineTree.render(timelines));
  }

  private static JsonObject timeline(String id, String name, String ancestor, String lsn) {
    return new JsonObject().put("id", id).put("name", name).put("ancestor_timeline_id", ancestor)
        .put("ancestor_lsn", lsn);
  }
}
