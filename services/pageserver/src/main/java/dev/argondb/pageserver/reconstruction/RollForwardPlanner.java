package dev.argondb.pageserver.reconstruction;

import dev.argondb.pageserver.image.Image;
import dev.argondb.pageserver.image.ChainSource;
import dev.argondb.pageserver.image.ImageChain;
import dev.argondb.pageserver.image.PinnedChain;
import dev.argondb.pageserver.index.CheckpointEntry;
import dev.argondb.pageserver.timeline.Timeline;
import dev.argondb.pgformat.Lsn;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Decides whether a timeline's newest image is due to roll forward: more than {@code thresholdBytes} of WAL
 * between the image's redo point and the timeline's end (what a basebackup from it ships and a compute
 * replays), and a checkpoint record in the timeline's own WAL past the image's checkpoint (a redo run's
 * checkpoint only advances to a checkpoint record it replayed, so without one a new image would still need
 * replay from the same redo point). The run then replays to the last ingested record end. Blocking.
 *
 * <p>Measured from the redo point, not the image's LSN: an image rolled forward over a bulk load that had no
 * checkpoint after it keeps the redo point from before the load, and a start from it replays the whole load
 * (860 MB of WAL after {@code pgbench -i -s 70}, twice the data) until an image past a later checkpoint
 * replaces it. Counted from its LSN, that image looked current and was never replaced while the timeline
 * stayed quiet.
 */
final class RollForwardPlanner {
  private final long thresholdBytes;
  private final ChainSource chains;

  RollForwardPlanner(long thresholdBytes, ChainSource chains) {
    this.thresholdBytes = thresholdBytes;
    this.chains = chains;
  }

  Optional<RollForwardPlan> plan(Timeline timeline) throws IOException {
    long end = timeline.lastRecordLsn();
    if (Lsn.compare(end, timeline.startLsn()) <= 0) {
      return Optional.empty(); // no WAL of its own yet
    }
    // Decided from the images' descriptions: a chain in remote storage is only downloaded for a run.
    Image newest = ImageChain.locate(timeline, end).get(0).image();
    if (!due(newest, end, thresholdBytes)) {
      return Optional.empty();
    }
    Optional<CheckpointEntry> checkpoint = lastCheckpoint(timeline.index().checkpoints().all(), newest, end);
    if (checkpoint.isEmpty()) {
      return Optional.empty();
    }
    long target = timeline.index().boundaries().lastBefore(end, timeline.startLsn());
    PinnedChain base = chains.open(timeline, end);
    if (base.chain().newest().lsn() != newest.lsn()) {
      base.close(); // an image was added meanwhile: the next check plans from it
      return Optional.empty();
    }
    return Optional.of(new RollForwardPlan(timeline, base, checkpoint.get(), target < 0 ? timeline.startLsn() : target,
        end));
  }

  /** Whether a start from {@code image} at {@code end} would replay at least {@code thresholdBytes} of WAL. */
  static boolean due(Image image, long end, long thresholdBytes) {
    return end - image.redoLsn() >= thresholdBytes;
  }

  /** The last checkpoint record after the image's checkpoint that ends at or before {@code end}. */
  static Optional<CheckpointEntry> lastCheckpoint(List<CheckpointEntry> checkpoints, Image image, long end) {
    CheckpointEntry last = null;
    for (CheckpointEntry entry : checkpoints) {
      if (Lsn.compare(entry.lsn(), image.checkpointLsn()) > 0 && Lsn.compare(entry.endLsn(), end) <= 0
          && Lsn.compare(entry.redoLsn(), image.redoLsn()) > 0) {
        last = entry;
      }
    }
    return Optional.ofNullable(last);
  }
}
