package dev.argondb.pageserver.basebackup;

import dev.argondb.pageserver.PageserverException;
import dev.argondb.pageserver.image.Image;
import dev.argondb.pageserver.timeline.Timeline;
import dev.argondb.pageserver.timeline.Timelines;
import dev.argondb.pageserver.wal.WalView;
import dev.argondb.pgformat.ControlFile;
import dev.argondb.pgformat.DbState;
import dev.argondb.pgformat.Lsn;
import dev.argondb.pgformat.WalSegments;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Decides what a basebackup of (timeline, LSN) holds, after checking the LSN: the newest image at or
 * below it (a branch's own, else its ancestor's at or below the branch point, and so on), its files but
 * pg_wal and the postmaster's, pg_control marked "in production" when the image was a clean shutdown (else
 * WAL after its checkpoint would be ignored), and pg_wal segments from the image's redo point to the LSN,
 * the last zero-padded after it: Postgres crash-recovers to exactly that LSN (DESIGN.md). Blocking.
 */
public final class BasebackupPlanner {
  private static final String CONTROL_FILE = "global/pg_control";
  /** Files of the image that must not be sent: a stopped server's leftovers; pg_control is sent rewritten. */
  private static final Set<String> SKIPPED = Set.of("postmaster.pid", "postmaster.opts", CONTROL_FILE);
  private static final String WAL_DIR = "pg_wal";

  private final Timelines timelines;

  public BasebackupPlanner(Timelines timelines) {
    this.timelines = timelines;
  }

  /** {@code lsn} 0 means the timeline's last ingested record end. */
  public BasebackupPlan plan(String tenantId, String timelineId, long lsn) throws IOException {
    Timeline timeline = timelines.get(tenantId, timelineId);
    long at = lsn == 0 ? timeline.lastRecordLsn() : lsn;
    timeline.checkStartable(at);
    Image image = imageFor(timeline, at);
    List<TarEntrySource> entries = new ArrayList<>();
    addImageFiles(image.dataDir(), entries);
    ControlFile control = ControlFile.read(image.dataDir().resolve(CONTROL_FILE));
    if (image.cleanShutdown()) {
      control = control.withState(DbState.IN_PRODUCTION);
    }
    entries.add(TarEntries.bytes(CONTROL_FILE, control.bytes()));
    entries.add(TarEntries.directory(WAL_DIR + "/archive_status"));
    WalView wal = WalView.of(timeline, at);
    for (long seg = WalSegments.segmentNumber(image.redoLsn()); seg <= WalSegments.segmentNumber(at); seg++) {
      entries.add(TarEntries.walSegment(seg, wal));
    }
    return new BasebackupPlan(tenantId, timelineId, at, image, entries);
  }

  /** The newest image at or below {@code lsn} seen from {@code timeline}: its own, else its ancestors' up to the branch points. */
  static Image imageFor(Timeline timeline, long lsn) {
    long limit = lsn;
    for (Timeline t = timeline; t != null; t = t.ancestor()) {
      var image = t.images().latestAtOrBelow(limit);
      if (image.isPresent()) {
        return image.get();
      }
      if (Lsn.compare(t.startLsn(), limit) < 0) {
        limit = t.startLsn();
      }
    }
    throw new PageserverException(dev.argondb.bus.BusErrors.INTERNAL, "no image at or below " + Lsn.format(lsn)
        + " for timeline " + timeline.tenantId() + "/" + timeline.timelineId());
  }

  private static void addImageFiles(Path dataDir, List<TarEntrySource> entries) throws IOException {
    try (var walk = Files.walk(dataDir)) {
      for (Path path : walk.sorted().toList()) {
        if (path.equals(dataDir)) {
          continue;
        }
        String name = dataDir.relativize(path).toString();
        if (SKIPPED.contains(name) || (name.startsWith(WAL_DIR + "/") && !Files.isDirectory(path))) {
          continue;
        }
        if (name.equals(WAL_DIR + "/archive_status")) {
          continue; // added with the WAL
        }
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
          entries.add(TarEntries.directory(name));
        } else {
          entries.add(TarEntries.file(name, path, Files.size(path)));
        }
      }
    }
  }
}
