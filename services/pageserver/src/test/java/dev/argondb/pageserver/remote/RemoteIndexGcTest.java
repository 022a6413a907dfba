package dev.argondb.pageserver.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.argondb.pageserver.timeline.GcState;
import dev.argondb.pageserver.timeline.TimelineMetadata;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What GC changes in {@code index.json}: where the WAL runs without a gap from, snapshots and the GC state. */
class RemoteIndexGcTest {
  private static final long SEG = 16L << 20;
  private static final TimelineMetadata ROOT = new TimelineMetadata("0".repeat(32), "1".repeat(32), null, 0,
      SEG + 0x100);

  private static RemoteLayer image(long redo, long lsn) {
    return new RemoteLayer(LayerKind.IMAGE, String.format("images/%016X.tar", lsn), redo, lsn, 1, "00", new JsonObject());
  }

  private static RemoteLayer wal(long segNo) {
    return new RemoteLayer(LayerKind.WAL, String.format("wal/%016X", segNo), segNo * SEG, (segNo + 1) * SEG, SEG, "00",
        null);
  }

  @Test
  void beforeGcTheWalRunsFromTheStart() {
    RemoteIndex index = new RemoteIndex(ROOT, List.of(), List.of(image(SEG, SEG + 0x100), wal(1), wal(2)), 0);
    assertEquals(ROOT.startLsn(), index.walFloor());
    assertEquals(3 * SEG, index.contiguousWalEnd());
    assertEquals(SEG + 0x100, index.baseImage().endLsn());
  }

  @Test
  void afterGcTheWalRunsFromTheRedoSegmentOfTheImageTheCutoffReadsFrom() {
    // A retained point in segment 1 keeps the first image and segment 1; the cutoff keeps segments 4 on.
    RemoteIndex index = new RemoteIndex(ROOT, List.of(),
        List.of(image(SEG, SEG + 0x100), image(4 * SEG + 0x10, 4 * SEG + 0x200), image(6 * SEG, 6 * SEG + 0x80),
            wal(1), wal(4), wal(5), wal(6)), 0, new JsonArray(), new GcState(5 * SEG, Set.of(SEG + 0x180)));
    assertEquals(4 * SEG + 0x200, index.baseImage().endLsn(), "the newest image at or below the cutoff");
    assertEquals(4 * SEG, index.walFloor());
    assertEquals(7 * SEG, index.contiguousWalEnd(), "the gap after the retained point's segment does not count");
  }

  @Test
  void snapshotsAndTheGcStateSurviveJson() {
    JsonArray snapshots = new JsonArray().add(new JsonObject().put("name", "s").put("lsn", 5L)
        .put("created_epoch_millis", 7L));
    RemoteIndex index = new RemoteIndex(ROOT, List.of(), List.of(wal(1)), SEG + 0x100, snapshots,
        new GcState(SEG + 0x100, Set.of(5L)));
    RemoteIndex read = RemoteIndex.fromJson(new JsonObject(index.toJson().encode()));
    assertEquals(index, read);
    assertEquals(RemoteIndex.fromJson(new RemoteIndex(ROOT, List.of(), List.of(), 0).toJson()).gc(), GcState.NONE,
        "an index without GC state reads as never collected");
  }
}
