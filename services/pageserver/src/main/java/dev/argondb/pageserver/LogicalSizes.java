package dev.argondb.pageserver;

import dev.argondb.pageserver.basebackup.BasebackupPlanner;
import dev.argondb.pageserver.image.Image;
import dev.argondb.pageserver.timeline.Timeline;
import dev.argondb.pageserver.timeline.Timelines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logical sizes for {@link PageserverMetrics}: the bytes of the relation files (every fork and segment under
 * {@code base/} and {@code global/}) of the newest image a timeline reads, as Neon counts relation sizes.
 * Images never change once made, so each is measured once. Blocking (walks directories): run on a worker.
 */
final class LogicalSizes {
  private static final Logger LOG = LoggerFactory.getLogger(LogicalSizes.class);
  /** {@code <relfilenode>[_fsm|_vm|_init][.<segment>]}. */
  private static final Pattern RELATION_FILE = Pattern.compile("\\d+(_(fsm|vm|init))?(\\.\\d+)?");

  private final Map<Path, Long> byImage = new ConcurrentHashMap<>();

  /** Measures every timeline's newest image (those not measured before) and hands the sizes to the meters. */
  void refresh(Timelines timelines, PageserverMetrics metrics) {
    for (Timeline timeline : timelines.all()) {
      try {
        Image image = BasebackupPlanner.imageFor(timeline, timeline.lastRecordLsn());
        Long size = byImage.get(image.dataDir());
        if (size == null) {
          size = of(image.dataDir());
          byImage.put(image.dataDir(), size);
        }
        metrics.logicalSize(timeline, size);
      } catch (IOException | RuntimeException e) {
        LOG.debug("No logical size for {}/{}: {}", timeline.tenantId(), timeline.timelineId(), e.toString());
      }
    }
  }

  /** The relation files' bytes in a data directory. */
  static long of(Path dataDir) throws IOException {
    long total = 0;
    for (Path top : new Path[] {dataDir.resolve("base"), dataDir.resolve("global")}) {
      if (!Files.isDirectory(top)) {
        continue;
      }
      try (Stream<Path> files = Files.walk(top)) {
        for (Path file : (Iterable<Path>) files::iterator) {
          if (RELATION_FILE.matcher(file.getFileName().toString()).matches() && Files.isRegularFile(file)) {
            total += Files.size(file);
          }
        }
      }
    }
    return total;
  }
}
