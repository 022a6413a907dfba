package dev.argondb.pageserver.gc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.argondb.pageserver.gc.GcPlanner.ImageRef;
import dev.argondb.pageserver.gc.GcPlanner.Input;
import dev.argondb.pageserver.gc.GcPlanner.Plan;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GcPlannerTest {
  private static final long SEG = 16L << 20;

  /** LSN {@code offset} bytes into segment {@code segNo}. */
  private static long at(long segNo, long offset) {
    return segNo * SEG + offset;
  }

  /** A root timeline: full image in segment 1, deltas on it in segments 3, 5 and 7 (a chain), WAL in 1..8. */
  private static List<ImageRef> chain() {
    return List.of(ImageRef.full(at(1, 200), at(1, 100)),
        new ImageRef(at(3, 200), at(3, 100), at(1, 200)),
        new ImageRef(at(5, 200), at(5, 100), at(3, 200)),
        ImageRef.full(at(7, 200), at(7, 100)));
  }

  private static final List<Long> SEGMENTS = List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);

  @Test
  void aCutoffPastAFullImageFreesEverythingBelowItsRedo() {
    Plan plan = GcPlanner.plan(new Input(at(1, 200), at(7, 500), chain(), SEGMENTS, Set.of(), Set.of()));
    assertEquals(List.of(at(1, 200), at(3, 200), at(5, 200)), plan.deleteImages());
    assertEquals(List.of(at(7, 200)), plan.keepImages());
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), plan.deleteSegments());
  }

  @Test
  void aDeltaAtTheCutoffKeepsItsWholeChainAndItsWal() {
    Plan plan = GcPlanner.plan(new Input(at(1, 200), at(6, 0), chain(), SEGMENTS, Set.of(), Set.of()));
    assertEquals(List.of(), plan.deleteImages(), "the delta at segment 5 needs its bases");
    assertEquals(List.of(1L, 2L, 3L, 4L), plan.deleteSegments(), "WAL from the delta's redo on stays");
  }

  @Test
  void aRetainedPointKeepsItsImageAndOnlyTheWalUpToIt() {
    // A child branch (or snapshot) at segment 2: the full image at segment 1 and WAL 1..2 stay; 3..6 go.
    Plan plan = GcPlanner.plan(new Input(at(1, 200), at(7, 500), chain(), SEGMENTS, Set.of(at(2, 40)), Set.of()));
    assertEquals(List.of(at(3, 200), at(5, 200)), plan.deleteImages());
    assertEquals(List.of(3L, 4L, 5L, 6L), plan.deleteSegments());
    assertEquals(List.of(at(2, 40)), plan.retained());
  }

  @Test
  void pointsAboveTheCutoffOrBelowTheStartAreNotRetainedPoints() {
    Plan plan = GcPlanner.plan(new Input(at(1, 200), at(7, 500), chain(), SEGMENTS,
        Set.of(at(8, 10), at(0, 5)), Set.of()));
    assertEquals(List.of(), plan.retained());
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), plan.deleteSegments());
  }

  @Test
  void aPinnedImageKeepsItsBases() {
    Plan plan = GcPlanner.plan(new Input(at(1, 200), at(7, 500), chain(), SEGMENTS, Set.of(), Set.of(at(3, 200))));
    assertEquals(List.of(at(5, 200)), plan.deleteImages());
    assertTrue(plan.keepImages().containsAll(List.of(at(1, 200), at(3, 200), at(7, 200))));
  }

  @Test
  void aBranchWithoutOwnImageBelowTheCutoffKeepsItsWalFromItsStart() {
    List<ImageRef> images = List.of(new ImageRef(at(6, 200), at(6, 100), -1)); // a delta on the ancestor's image
    Plan plan = GcPlanner.plan(new Input(at(2, 300), at(4, 0), images, List.of(2L, 3L, 4L, 5L, 6L), Set.of(),
        Set.of()));
    assertTrue(plan.deletesNothing(), "reading at the cutoff goes through the ancestor from the branch's start");
  }

  @Test
  void aCutoffAtTheStartDeletesNothing() {
    Plan plan = GcPlanner.plan(new Input(at(1, 200), at(1, 200), chain(), SEGMENTS, Set.of(), Set.of()));
    assertTrue(plan.deletesNothing());
  }
}
