package dev.argondb.pageserver;

import dev.argondb.pageserver.image.ImageChain;
import dev.argondb.pageserver.image.ImageManifest;
import dev.argondb.pageserver.timeline.Timeline;
import dev.argondb.pageserver.timeline.Timelines;
import dev.argondb.pageserver.image.ImageListChanges;
import java.io.IOException;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logical sizes for {@link PageserverMetrics}: the bytes of the relation files (every fork and segment under
 * {@code base/} and {@code global/}) of the newest image a timeline reads, as Neon counts relation sizes, summed
 * from the image chain's manifests. Blocking (may read manifests): run on a worker.
 */
final class LogicalSizes {
  private static final Logger LOG = LoggerFactory.getLogger(LogicalSizes.class);
  /** {@code <relfilenode>[_fsm|_vm|_init][.<segment>]}. */
  private static final Pattern RELATION_FILE = Pattern.compile("\\d+(_(fsm|vm|init))?(\\.\\d+)?");

  /** Image lists as of the last refresh: a logical size changes only with its timeline's or an ancestor's. */
  private final ImageListChanges imageLists = new ImageListChanges();

  /**
   * Measures the timelines whose newest image chain may have changed: an image was added to or removed from it
   * or one of its ancestors (images are immutable, so nothing else changes a logical size). Idle branches cost
   * a reference comparison each, not a chain walk.
   */
  synchronized void refreshChanged(Timelines timelines, PageserverMetrics metrics) {
    imageLists.look(timelines.all());
    for (Timeline timeline : timelines.all()) {
      for (Timeline t = timeline; t != null; t = t.ancestor()) {
        if (imageLists.changed(t)) {
          refresh(timeline, metrics);
          break;
        }
      }
    }
  }

  /** Measures one timeline (a new one: measuring them all would make branch creation grow with their number). */
  void refresh(Timeline timeline, PageserverMetrics metrics) {
    try {
      metrics.logicalSize(timeline, of(ImageChain.seenFrom(timeline, timeline.lastRecordLsn())));
    } catch (IOException | RuntimeException e) {
      LOG.debug("No logical size for {}/{}: {}", timeline.tenantId(), timeline.timelineId(), e.toString());
    }
  }

  /** The relation files' bytes of the data directory an image chain makes, from its manifests. */
  static long of(ImageChain chain) {
    long total = 0;
    for (ImageManifest.Entry file : chain.files()) {
      String path = file.path();
      int slash = path.lastIndexOf('/');
      if ((path.startsWith("base/") || path.startsWith("global/"))
          && RELATION_FILE.matcher(path.substring(slash + 1)).matches()) {
        total += file.size();
      }
    }
    return total;
  }
}
