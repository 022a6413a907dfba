package dev.argondb.safekeeper.timeline;

import dev.argondb.pgformat.Lsn;
import dev.argondb.safekeeper.SafekeeperConfig;
import dev.argondb.safekeeper.SafekeeperMetrics;
import dev.argondb.safekeeper.wal.TimelineControl;
import dev.argondb.safekeeper.wal.TimelineControlFile;
import dev.argondb.safekeeper.wal.TimelineDirectory;
import dev.argondb.safekeeper.wal.WalSegmentStore;
import dev.argondb.safekeeper.wal.WalWriter;
import io.vertx.core.Context;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The timelines this safekeeper holds, loaded from disk at start. Loading recovers each timeline's
 * flush position by scanning its WAL for the last complete record and cuts a torn tail after it, so
 * a crash in the middle of a write never leaves half a record behind.
 */
public final class TimelineRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(TimelineRegistry.class);

  private final SafekeeperConfig config;
  private final Map<TimelineKey, SafekeeperTimeline> timelines = new ConcurrentHashMap<>();

  public TimelineRegistry(SafekeeperConfig config) {
    this.config = config;
  }

  public SafekeeperTimeline get(TimelineKey key) {
    return timelines.get(key);
  }

  public List<SafekeeperTimeline> all() {
    return List.copyOf(timelines.values());
  }

  /** Loads every timeline on disk. Blocking: call on a worker. */
  public int loadAll(Context context, SafekeeperMetrics metrics) throws IOException {
    Path tenants = config.dataDir().resolve("tenants");
    if (!Files.isDirectory(tenants)) {
      return 0;
    }
    try (var tenantDirs = Files.list(tenants)) {
      for (Path tenantDir : tenantDirs.toList()) {
        Path timelinesDir = tenantDir.resolve("timelines");
        if (!Files.isDirectory(timelinesDir)) {
          continue;
        }
        try (var timelineDirs = Files.list(timelinesDir)) {
          for (Path timelineDir : timelineDirs.toList()) {
            TimelineKey key = new TimelineKey(tenantDir.getFileName().toString(), timelineDir.getFileName().toString());
            TimelineDirectory directory = TimelineDirectory.of(config.dataDir(), key.tenantId(), key.timelineId());
            Optional<TimelineControl> control = TimelineControlFile.of(directory).load();
            if (control.isPresent()) {
              open(context, metrics, key, directory, control.get());
            }
          }
        }
      }
    }
    return timelines.size();
  }

  /** Creates a timeline whose WAL starts at {@code startLsn}. Blocking: call on a worker. */
  public SafekeeperTimeline create(Context context, SafekeeperMetrics metrics, TimelineKey key,
                                   TimelineControl control) throws IOException {
    TimelineDirectory directory = TimelineDirectory.of(config.dataDir(), key.tenantId(), key.timelineId());
    directory.create();
    TimelineControlFile.of(directory).store(control);
    return open(context, metrics, key, directory, control);
  }

  private SafekeeperTimeline open(Context context, SafekeeperMetrics metrics, TimelineKey key,
                                  TimelineDirectory directory, TimelineControl control) throws IOException {
    WalSegmentStore store = new WalSegmentStore(directory);
    long scanFrom = Math.max(control.timelineStartLsn(), control.flushLsn());
    long flush = store.findEnd(scanFrom);
    store.truncateAfter(flush);
    if (flush < control.flushLsn()) {
      LOG.warn("{}: WAL ends at {}, before the recorded flush {}", key, Lsn.format(flush), Lsn.format(control.flushLsn()));
    }
    WalWriter writer = new WalWriter(context, store, flush).fsyncLatencyHook(metrics::fsync);
    SafekeeperTimeline timeline = new SafekeeperTimeline(key, store, writer, control, flush, config.quorum());
    timelines.put(key, timeline);
    metrics.track(timeline);
    LOG.info("{}: term {}, WAL {}..{}", key, control.term(), Lsn.format(control.timelineStartLsn()), Lsn.format(flush));
    return timeline;
  }

  /** Writes the timeline's control file durably. Blocking: call on a worker. */
  public void persist(SafekeeperTimeline timeline) throws IOException {
    TimelineControlFile.of(TimelineDirectory.of(config.dataDir(), timeline.key.tenantId(), timeline.key.timelineId()))
        .store(timeline.control());
  }
}
