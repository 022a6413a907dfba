package dev.argondb.pageserver.timeline;

import dev.argondb.bus.PageserverCreateTimeline;
import dev.argondb.durable.DurableFiles;
import dev.argondb.pageserver.PageserverException;
import dev.argondb.pageserver.image.Image;
import dev.argondb.pageserver.image.ImageStore;
import dev.argondb.pageserver.wal.WalSegmentFiles;
import dev.argondb.pgformat.CheckpointRecordEnd;
import dev.argondb.pgformat.Lsn;
import dev.argondb.pgformat.WalSegments;
import dev.argondb.pgruntime.PgBinaries;
import dev.argondb.pgruntime.PgFiles;
import dev.argondb.pgruntime.PgServer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates timelines. A root timeline is one initdb kept as its first image, at the end of initdb's
 * shutdown checkpoint record (the timeline's start LSN); initdb's own WAL from the checkpoint's segment
 * start up to there is copied into the timeline's WAL, so a basebackup's pg_wal comes from one place. A
 * branch is metadata only, made durable by one append to the {@link CreationJournal}. Bad input is refused before anything is written. Blocking; one creation at a time.
 */
public final class TimelineCreator {
  private static final Logger LOG = LoggerFactory.getLogger(TimelineCreator.class);

  private final Timelines timelines;
  private final PgBinaries binaries;

  public TimelineCreator(Timelines timelines, PgBinaries binaries) {
    this.timelines = timelines;
    this.binaries = binaries;
  }

  /** Holds the timelines' lock, so a deletion cannot remove an ancestor while a branch of it is made. */
  public Timeline create(PageserverCreateTimeline request) throws IOException {
    TimelineIds.check("tenant", request.tenantId());
    TimelineIds.check("timeline", request.timelineId());
    synchronized (timelines) {
      if (timelines.exists(request.tenantId(), request.timelineId())) {
        throw PageserverException.conflict("timeline " + request.tenantId() + "/" + request.timelineId()
            + " exists already");
      }
      return request.ancestorTimelineId() == null ? createRoot(request) : createBranch(request);
    }
  }

  private Timeline createRoot(PageserverCreateTimeline request) throws IOException {
    if (request.superuser() == null || request.superuser().isBlank()
        || request.superuserPassword() == null || request.superuserPassword().isEmpty()) {
      throw PageserverException.badRequest("a root timeline needs a superuser and its password for initdb");
    }
    long begin = System.nanoTime();
    Path dir = timelines.directoryOf(request.tenantId(), request.timelineId());
    PgFiles.deleteRecursively(dir);
    DurableFiles.createDirectories(dir);
    Path staging = dir.resolve("staging").resolve("pgdata");
    PgServer.initdb(binaries, staging, request.superuser(), request.superuserPassword(), dir.resolve("initdb.log"));
    long start = CheckpointRecordEnd.of(staging);
    long redo = CheckpointRecordEnd.controlFile(staging).redo();
    copyInitdbWal(staging, WalSegments.segmentStart(WalSegments.segmentNumber(redo)), start,
        new WalSegmentFiles(dir.resolve("wal")));
    Image image = new ImageStore(dir.resolve("images")).add(staging);
    dropImageWal(image.dataDir());
    PgFiles.deleteRecursively(dir.resolve("staging"));
    writeMetadata(dir, new TimelineMetadata(request.tenantId(), request.timelineId(), null, 0, start));
    LOG.info("Created root timeline {}/{} from initdb in {} ms; its WAL starts at {}", request.tenantId(),
        request.timelineId(), (System.nanoTime() - begin) / 1_000_000, Lsn.format(start));
    return timelines.register(dir, null);
  }

  private Timeline createBranch(PageserverCreateTimeline request) throws IOException {
    TimelineIds.check("ancestor timeline", request.ancestorTimelineId());
    Timeline ancestor;
    try {
      ancestor = timelines.get(request.tenantId(), request.ancestorTimelineId());
    } catch (PageserverException unknown) {
      throw PageserverException.notFound("no ancestor timeline " + request.tenantId() + "/"
          + request.ancestorTimelineId() + " on this pageserver");
    }
    long at = request.ancestorLsn() == 0 ? ancestor.lastRecordLsn() : request.ancestorLsn();
    try {
      ancestor.checkStartable(at);
    } catch (PageserverException e) {
      throw PageserverException.badRequest("cannot branch at " + Lsn.format(at) + ": " + e.getMessage());
    }
    Path dir = timelines.directoryOf(request.tenantId(), request.timelineId());
    PgFiles.deleteRecursively(dir);
    timelines.journal().create(dir,
        new TimelineMetadata(request.tenantId(), request.timelineId(), ancestor.timelineId(), at, at));
    LOG.info("Created branch {}/{} of {} at {}", request.tenantId(), request.timelineId(), ancestor.timelineId(),
        Lsn.format(at));
    return timelines.register(dir, ancestor);
  }

  /** Copies initdb's WAL in [from, to) from its pg_wal into the timeline's WAL files. */
  private static void copyInitdbWal(Path dataDir, long from, long to, WalSegmentFiles wal) throws IOException {
    long at = from;
    while (Lsn.compare(at, to) < 0) {
      long segNo = WalSegments.segmentNumber(at);
      int offset = WalSegments.segmentOffset(at);
      int n = (int) Math.min(to - at, WalSegments.SEGMENT_SIZE - offset);
      ByteBuffer bytes = ByteBuffer.allocate(n);
      Path segment = dataDir.resolve("pg_wal").resolve(WalSegments.fileName(segNo));
      try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.READ)) {
        while (bytes.hasRemaining() && ch.read(bytes, offset + bytes.position()) > 0) {
          // until the range is read
        }
      }
      bytes.flip();
      wal.write(at, bytes);
      at += n;
    }
    wal.close();
  }

  /** The image's own WAL is in the timeline's WAL now; a basebackup writes pg_wal from there. */
  private static void dropImageWal(Path dataDir) throws IOException {
    try (var files = Files.list(dataDir.resolve("pg_wal"))) {
      for (Path file : files.toList()) {
        if (WalSegments.isSegmentFileName(file.getFileName().toString())) {
          Files.delete(file);
        }
      }
    }
  }

  private static void writeMetadata(Path dir, TimelineMetadata metadata) throws IOException {
    DurableFiles.write(dir.resolve(Timeline.METADATA), metadata.toJson().encodePrettily());
  }
}
