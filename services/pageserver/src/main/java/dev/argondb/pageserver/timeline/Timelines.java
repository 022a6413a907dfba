package dev.argondb.pageserver.timeline;

import dev.argondb.pageserver.PageserverException;
import dev.argondb.pgruntime.PgFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every timeline of this pageserver, under {@code dataDir/tenants/<tenant>/timelines/<timeline>}. A
 * timeline directory counts once its {@code metadata.json} exists (written last when creating); others
 * are leftovers of a creation that did not finish and are removed at load, as are {@code deleted-*}
 * directories (a deletion renames the directory first, then removes it). Creations and deletions hold
 * this object's lock. Blocking methods.
 */
public final class Timelines {
  private static final Logger LOG = LoggerFactory.getLogger(Timelines.class);

  static final String DELETED_PREFIX = "deleted-";

  private final Path dataDir;
  private final Path tenantsDir;
  /** Set by {@link #loadAll}, which recovers it first. */
  private volatile CreationJournal journal;
  private final Map<String, Timeline> byKey = new ConcurrentHashMap<>();
  /** Timelines being deleted: no longer served, but their id is not free until their directory is gone. */
  private final Map<String, Timeline> deleting = new ConcurrentHashMap<>();

  public Timelines(Path dataDir) {
    this.dataDir = dataDir;
    this.tenantsDir = dataDir.resolve("tenants");
  }

  /** Where branch creations are made durable (see {@link CreationJournal}); once loaded. */
  public CreationJournal journal() {
    CreationJournal loaded = journal;
    if (loaded == null) {
      throw new IllegalStateException("timelines not loaded yet");
    }
    return loaded;
  }

  public Path directoryOf(String tenantId, String timelineId) {
    return tenantsDir.resolve(tenantId).resolve("timelines").resolve(timelineId);
  }

  /**
   * Writes back the creations a crash lost (from the {@link CreationJournal}), then opens every complete timeline,
   * ancestors before their branches.
   */
  public int loadAll() throws IOException {
    journal = CreationJournal.recover(dataDir, this);
    Map<String, Path> dirs = new HashMap<>();
    Map<String, String> ancestors = new HashMap<>();
    if (Files.isDirectory(tenantsDir)) {
      try (var tenants = Files.list(tenantsDir)) {
        for (Path tenant : tenants.toList()) {
          Path timelines = tenant.resolve("timelines");
          if (!Files.isDirectory(timelines)) {
            continue;
          }
          try (var children = Files.list(timelines)) {
            for (Path dir : children.toList()) {
              if (dir.getFileName().toString().startsWith(DELETED_PREFIX)) {
                LOG.warn("Removing {}: its deletion did not finish", dir);
                PgFiles.deleteRecursively(dir);
                continue;
              }
              if (!Files.exists(dir.resolve(Timeline.METADATA))) {
                LOG.warn("Removing {}: its creation did not finish", dir);
                PgFiles.deleteRecursively(dir);
                continue;
              }
              TimelineMetadata m = TimelineMetadata.fromJson(new io.vertx.core.json.JsonObject(
                  Files.readString(dir.resolve(Timeline.METADATA))));
              String key = key(m.tenantId(), m.timelineId());
              dirs.put(key, dir);
              if (m.isBranch()) {
                ancestors.put(key, key(m.tenantId(), m.ancestorTimelineId()));
              }
            }
          }
        }
      }
    }
    for (String key : dirs.keySet()) {
      openWithAncestors(key, dirs, ancestors);
    }
    return byKey.size();
  }

  private Timeline openWithAncestors(String key, Map<String, Path> dirs, Map<String, String> ancestors)
      throws IOException {
    Timeline open = byKey.get(key);
    if (open != null) {
      return open;
    }
    String ancestorKey = ancestors.get(key);
    Timeline ancestor = null;
    if (ancestorKey != null) {
      if (!dirs.containsKey(ancestorKey)) {
        throw new IOException("timeline " + key + " has no ancestor " + ancestorKey + " on disk");
      }
      ancestor = openWithAncestors(ancestorKey, dirs, ancestors);
    }
    Timeline timeline = Timeline.open(dirs.get(key), ancestor, journal);
    byKey.put(key, timeline);
    return timeline;
  }

  public Timeline get(String tenantId, String timelineId) {
    TimelineIds.check("tenant", tenantId);
    TimelineIds.check("timeline", timelineId);
    Timeline timeline = byKey.get(key(tenantId, timelineId));
    if (timeline == null) {
      throw PageserverException.notFound("no timeline " + tenantId + "/" + timelineId + " on this pageserver");
    }
    return timeline;
  }

  /** True while the id is taken: by a timeline, or by one whose deletion has not finished. */
  public boolean exists(String tenantId, String timelineId) {
    String key = key(tenantId, timelineId);
    return byKey.containsKey(key) || deleting.containsKey(key);
  }

  /** The timelines whose ancestor is {@code timeline}. */
  public List<Timeline> childrenOf(Timeline timeline) {
    return byKey.values().stream().filter(t -> t.ancestor() == timeline).toList();
  }

  /** Stops serving a timeline that is being deleted; its id stays taken until {@link #deleted}. */
  void startDeleting(Timeline timeline) {
    String key = key(timeline.tenantId(), timeline.timelineId());
    deleting.put(key, timeline);
    byKey.remove(key);
  }

  /** The deleted timeline's directory is gone: its id is free again. */
  void deleted(Timeline timeline) {
    deleting.remove(key(timeline.tenantId(), timeline.timelineId()));
  }

  public Collection<Timeline> all() {
    return List.copyOf(byKey.values());
  }

  /** Opens a directory just completed by a creator and registers it. */
  Timeline register(Path dir, Timeline ancestor) throws IOException {
    Timeline timeline = Timeline.open(dir, ancestor, journal());
    byKey.put(key(timeline.tenantId(), timeline.timelineId()), timeline);
    return timeline;
  }

  /** Stops using every timeline, saving each one's resume point; the creation journal is left empty. */
  public void closeAll() throws IOException {
    List<IOException> failures = new ArrayList<>();
    if (journal != null) {
      try {
        journal.close();
      } catch (IOException e) {
        failures.add(e);
      }
    }
    for (Timeline timeline : byKey.values()) {
      try {
        timeline.close();
      } catch (IOException e) {
        failures.add(e);
      }
    }
    byKey.clear();
    if (!failures.isEmpty()) {
      throw failures.get(0);
    }
  }

  static String key(String tenantId, String timelineId) {
    return tenantId + "/" + timelineId;
  }
}
