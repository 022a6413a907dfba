package dev.argondb.pageserver.gc;

import dev.argondb.bus.PageserverSnapshot;
import dev.argondb.pageserver.PageserverException;
import dev.argondb.pageserver.timeline.Timeline;
import dev.argondb.pageserver.timeline.TimelineIds;
import dev.argondb.pageserver.timeline.Timelines;
import dev.argondb.pgformat.Lsn;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Named snapshots of a tenant: (timeline, LSN) points that GC keeps readable. Each lives in its timeline's
 * {@link SnapshotFile}; names are unique over the tenant. Creation checks the LSN like a branch point (record
 * boundary, ingested, not below the GC cutoff) under the timelines' lock, which GC holds while it settles its
 * cutoff and retained points: a snapshot is either seen by that GC or refused. A timeline with snapshots cannot be
 * deleted ({@link #namesOn}). Blocking.
 */
public final class Snapshots {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");

  private final Timelines timelines;

  public Snapshots(Timelines timelines) {
    this.timelines = timelines;
  }

  public static String checkName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw PageserverException.badRequest("a snapshot name is 1 to 63 letters, digits, '_', '.' or '-', starting"
          + " with a letter or digit; got " + (name == null ? "none" : "'" + name + "'"));
    }
    return name;
  }

  /** Takes a snapshot; {@code lsn} 0 is the timeline's ingested end. Refused: nothing stored. */
  public PageserverSnapshot create(String tenantId, String timelineId, String name, long lsn) throws IOException {
    checkName(name);
    synchronized (timelines) {
      Timeline timeline = timelines.get(tenantId, timelineId);
      if (find(tenantId, name).isPresent()) {
        throw PageserverException.conflict("tenant " + tenantId + " has a snapshot named '" + name + "' already");
      }
      long at = lsn == 0 ? timeline.lastRecordLsn() : lsn;
      try {
        timeline.checkStartable(at);
      } catch (PageserverException refused) {
        // Outside the WAL or not a boundary: a bad LSN either way.
        throw PageserverException.badRequest("cannot take snapshot '" + name + "' at " + Lsn.format(at) + ": "
            + refused.getMessage());
      }
      PageserverSnapshot snapshot = new PageserverSnapshot(tenantId, name, timelineId, at, System.currentTimeMillis());
      List<PageserverSnapshot> list = new ArrayList<>(of(timeline));
      list.add(snapshot);
      timeline.makeCreationDurable();
      SnapshotFile.write(timeline.dir(), list);
      timeline.noteChange();
      return snapshot;
    }
  }

  public List<PageserverSnapshot> list(String tenantId) throws IOException {
    TimelineIds.check("tenant", tenantId);
    List<PageserverSnapshot> all = new ArrayList<>();
    for (Timeline timeline : timelines.all()) {
      if (timeline.tenantId().equals(tenantId)) {
        all.addAll(of(timeline));
      }
    }
    all.sort(Comparator.comparing(PageserverSnapshot::name));
    return all;
  }

  public Optional<PageserverSnapshot> find(String tenantId, String name) throws IOException {
    return list(tenantId).stream().filter(s -> s.name().equals(name)).findFirst();
  }

  public PageserverSnapshot delete(String tenantId, String name) throws IOException {
    checkName(name);
    synchronized (timelines) {
      PageserverSnapshot snapshot = find(tenantId, name).orElseThrow(() -> PageserverException.notFound(
          "tenant " + tenantId + " has no snapshot named '" + name + "'"));
      Timeline timeline = timelines.get(tenantId, snapshot.timelineId());
      List<PageserverSnapshot> rest = new ArrayList<>(of(timeline));
      rest.removeIf(s -> s.name().equals(name));
      SnapshotFile.write(timeline.dir(), rest);
      timeline.noteChange();
      return snapshot;
    }
  }

  /** The snapshots of one timeline. */
  public static List<PageserverSnapshot> of(Timeline timeline) throws IOException {
    return SnapshotFile.read(timeline.dir(), timeline.tenantId(), timeline.timelineId());
  }

  /** Names of the timeline's snapshots (a timeline with snapshots is not deleted). */
  public static List<String> namesOn(Timeline timeline) throws IOException {
    return of(timeline).stream().map(PageserverSnapshot::name).sorted().toList();
  }
}
