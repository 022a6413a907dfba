package dev.argondb.pageserver.basebackup;

import dev.argondb.pageserver.image.Image;
import dev.argondb.pageserver.image.ImageChain;
import dev.argondb.pageserver.image.ImageManifest;
import dev.argondb.pageserver.timeline.Timeline;
import dev.argondb.pageserver.timeline.Timelines;
import dev.argondb.pageserver.wal.WalView;
import dev.argondb.pgformat.ControlFile;
import dev.argondb.pgformat.DbState;
import dev.argondb.pgformat.Lsn;
import dev.argondb.pgformat.WalSegments;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Decides what a basebackup of (timeline, LSN) holds, after checking the LSN: the newest image at or
 * below it (a branch's own, else its ancestor's at or below the branch point, and so on), its files but
 * pg_wal and the postmaster's, pg_control marked "in production" (so WAL after its checkpoint is replayed and
 * the data directory is fsynced before), and pg_wal segments from the image's redo point to the LSN, the last
 * one cut at the end of the WAL page holding the LSN, zeros after it: Postgres crash-recovers to exactly that
 * LSN (DESIGN.md). Blocking.
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

  /** {@code lsn} 0 means the timeline's last ingested record end. Every image must be on local disk. */
  public BasebackupPlan plan(String tenantId, String timelineId, long lsn) throws IOException {
    Timeline timeline = timelines.get(tenantId, timelineId);
    long at = lsn == 0 ? timeline.lastRecordLsn() : lsn;
    timeline.checkStartable(at);
    return plan(timeline, at, imageFor(timeline, at), 0);
  }

  /**
   * The basebackup of {@code timeline} at {@code at} (checked startable) from {@code chain}, the image chain it
   * sees there (opened, and kept on local disk, by the caller until the tar is sent). Relation data files of at
   * least {@code lazyMinBytes} (unsigned; 0 = none) are sent {@link LazyRelationFiles lazily}.
   */
  public BasebackupPlan plan(Timeline timeline, long at, ImageChain chain, long lazyMinBytes) throws IOException {
    String tenantId = timeline.tenantId();
    String timelineId = timeline.timelineId();
    Image image = chain.newest();
    List<TarEntrySource> entries = new ArrayList<>();
    addImageFiles(chain, lazyMinBytes, entries);
    entries.add(TarEntries.bytes(CONTROL_FILE, controlFileInProduction(chain)));
    entries.add(TarEntries.directory(WAL_DIR + "/archive_status"));
    addWal(timeline, image, at, entries);
    return new BasebackupPlan(tenantId, timelineId, at, image, entries);
  }

  /**
   * The image's pg_control marked "in production", whatever its state. A clean shutdown (state 1) must be, else
   * Postgres ignores the WAL after its checkpoint. A redo run's "shut down in recovery" (state 2) crash-recovers
   * either way, but only a state other than 1 and 2 makes Postgres fsync the whole data directory before replay
   * (StartupXLOG: SyncDataDirectory, by recovery_init_sync_method). The compute's extractor fsyncs nothing and
   * relies on exactly that: no file of a basebackup reaches a running compute without being made durable first.
   */
  static byte[] controlFileInProduction(ImageChain chain) throws IOException {
    try (ImageChain.Reader reader = chain.reader()) {
      return ControlFile.parse(reader.readAll(CONTROL_FILE)).withState(DbState.IN_PRODUCTION).bytes();
    }
  }

  /**
   * pg_wal from the segment of the image's redo point to the one holding {@code at}: whole segments, then the
   * last one only up to the end of the XLOG page holding {@code at}. The WAL view reads zeros from {@code at}
   * on, so that page ends in zeros and recovery stops exactly at {@code at}; the receiver extends the short
   * segment with zeros to its full size (pageserver.proto). A fresh timeline's basebackup thus carries a few KB
   * of WAL past its LSN instead of a 16 MB segment of mostly zeros.
   */
  private static void addWal(Timeline timeline, Image image, long at, List<TarEntrySource> entries) {
    WalView wal = WalView.of(timeline, at);
    long last = WalSegments.segmentNumber(at);
    for (long seg = WalSegments.segmentNumber(image.redoLsn()); seg < last; seg++) {
      entries.add(TarEntries.walSegment(seg, WalSegments.SEGMENT_SIZE, wal));
    }
    entries.add(TarEntries.walSegment(last, lastSegmentBytes(at), wal));
  }

  /** Bytes of the segment holding {@code lsn} up to the end of its XLOG page (none past a page start). */
  static int lastSegmentBytes(long lsn) {
    int offset = WalSegments.segmentOffset(lsn);
    int intoPage = offset % Lsn.PAGE_SIZE;
    return intoPage == 0 ? offset : offset - intoPage + Lsn.PAGE_SIZE;
  }

  /**
   * The newest image at or below {@code lsn} seen from {@code timeline} (its own, else its ancestors' up to
   * the branch points) with the chain of images it is a delta on.
   */
  static ImageChain imageFor(Timeline timeline, long lsn) throws IOException {
    return ImageChain.seenFrom(timeline, lsn);
  }

  /**
   * The image's directories and files but pg_wal's content and the postmaster's (pg_control is sent
   * rewritten): each file is read through the chain while the tar is produced, so nothing is copied first; a lazy
   * one is not read at all.
   */
  private static void addImageFiles(ImageChain chain, long lazyMinBytes, List<TarEntrySource> entries) {
    for (String dir : chain.directories()) {
      if (!dir.equals(WAL_DIR + "/archive_status")) { // added with the WAL
        entries.add(TarEntries.directory(dir));
      }
    }
    for (ImageManifest.Entry file : chain.files()) {
      if (SKIPPED.contains(file.path())) {
        continue;
      }
      entries.add(LazyRelationFiles.isLazy(file.path(), file.size(), lazyMinBytes) ? LazyRelationFiles.entry(file.path(), file.size())
          : imageFile(chain, file));
    }
  }

  private static TarEntrySource imageFile(ImageChain chain, ImageManifest.Entry file) {
    return new TarEntrySource(file.path(), false, file.size(), (offset, target) -> {
      try (ImageChain.Reader reader = chain.reader()) {
        reader.read(file.path(), offset, target);
      }
    });
  }
}
