package dev.argondb.pageserver.reconstruction;

import dev.argondb.pageserver.image.ImageChain;
import dev.argondb.pageserver.index.CheckpointEntry;
import dev.argondb.pageserver.timeline.Timeline;

/**
 * One image roll forward: replay {@code base}'s version through the WAL up to {@code stopLsn}.
 *
 * @param base       the newest image the timeline sees, with the images it is a delta on
 * @param checkpoint the last checkpoint record past the base's checkpoint: the new image's checkpoint
 * @param targetLsn  {@code recovery_target_lsn} (inclusive): the record end just before {@code stopLsn}, so
 *                   the run stops right after replaying the record that ends at {@code stopLsn}
 * @param stopLsn    where replay ends: the new image's LSN (a record end the timeline has ingested)
 */
record RollForwardPlan(Timeline timeline, ImageChain base, CheckpointEntry checkpoint, long targetLsn, long stopLsn) {
  long walBytes() {
    return stopLsn - base.newest().redoLsn();
  }
}
