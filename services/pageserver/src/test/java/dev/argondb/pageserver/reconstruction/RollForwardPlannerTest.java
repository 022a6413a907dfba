package dev.argondb.pageserver.reconstruction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.argondb.pageserver.image.Image;
import dev.argondb.pageserver.index.CheckpointEntry;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RollForwardPlannerTest {
  private static final long MB = 1 << 20;
  private static final long THRESHOLD = 64 * MB;

  private static Image image(long lsn, long checkpoint, long redo) {
    return new Image(Path.of("unused"), lsn, checkpoint, redo, false, null);
  }

  /** An image rolled forward over a bulk load with no checkpoint after it still makes every start replay the load. */
  @Test
  void anImageWhoseRedoPointIsFarBehindIsDueEvenRightAtTheEnd() {
    long redo = 0x14D9440L;
    Image afterLoad = image(redo + 860 * MB, redo + 0x78, redo);
    long end = afterLoad.lsn() + 4096; // the timeline has hardly moved past the image
    assertTrue(RollForwardPlanner.due(afterLoad, end, THRESHOLD));

    CheckpointEntry loadsCheckpoint = new CheckpointEntry(afterLoad.lsn() + 1000, afterLoad.lsn() + 1120,
        afterLoad.lsn() + 1000, true);
    Optional<CheckpointEntry> target = RollForwardPlanner.lastCheckpoint(List.of(
        new CheckpointEntry(afterLoad.checkpointLsn(), afterLoad.checkpointLsn() + 120, redo, false),
        loadsCheckpoint), afterLoad, end);
    assertEquals(Optional.of(loadsCheckpoint), target, "the roll forward goes to the checkpoint after the load");
  }

  @Test
  void anImageWithARecentRedoPointIsNotDue() {
    Image recent = image(1000 * MB, 999 * MB, 999 * MB);
    assertFalse(RollForwardPlanner.due(recent, recent.lsn() + 60 * MB, THRESHOLD));
    assertTrue(RollForwardPlanner.due(recent, recent.lsn() + 63 * MB, THRESHOLD));
  }

  @Test
  void withoutACheckpointPastTheImagesRedoPointThereIsNothingToRollTo() {
    Image image = image(900 * MB, 10 * MB, 10 * MB);
    assertEquals(Optional.empty(), RollForwardPlanner.lastCheckpoint(List.of(
        new CheckpointEntry(10 * MB, 10 * MB + 120, 10 * MB, false)), image, 901 * MB));
  }
}
