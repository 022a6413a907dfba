package dev.argondb.pageserver.reconstruction;

import dev.argondb.pageserver.image.ImageChain;
import dev.argondb.pageserver.image.PinnedChain;
import dev.argondb.pageserver.index.CheckpointEntry;
import dev.argondb.pageserver.timeline.Timeline;

/**
 * One image roll forward: replay {@code base}'s version through the WAL up to {@code stopLsn}.
 *
 * @param pinned     the newest image the timeline sees, with the images it is a delta on, kept on local disk
 *                   until the run is done (then closed)
 * @param checkpoint the last checkpoint record past the base's checkpoint: the new image's checkpoint
 * @param targetLsn  {@code recovery_target_lsn} (inclusive): the record end just before {@code stopLsn}, so
 *                   the run stops right after replaying the record that ends at {@code stopLsn}
 * @param stopLsn    where replay ends: the new image's LSN (a record end the timeline has ingested)
 */
record RollForwardPlan(Timeline timeline, PinnedChain pinned, CheckpointEntry checkpoint, long targetLsn,
                       long stopLsn) {
  ImageChain base() {
    return pinned.chain();
  }

  long walBytes() {
    return stopLsn - base().newest().redoLsn();
  }
}
