package dev.argondb.pageserver.image;

import dev.argondb.pageserver.timeline.Timeline;
import java.io.IOException;

/**
 * Opens the image chain a timeline sees at an LSN for reading, with its images on local disk and pinned there
 * until the chain is closed. Blocking (it may download images): call it from a worker.
 */
@FunctionalInterface
public interface ChainSource {
  /** Every image on local disk for good (no remote storage, no eviction). */
  ChainSource LOCAL = (timeline, lsn) -> PinnedChain.unpinned(ImageChain.seenFrom(timeline, lsn));

  PinnedChain open(Timeline timeline, long lsn) throws IOException;
}
