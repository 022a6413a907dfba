package dev.argondb.pageserver.reconstruction;

import dev.argondb.pgruntime.PgBinaries;
import dev.argondb.pgruntime.PgFiles;
import dev.argondb.pageserver.image.ChainSource;
import dev.argondb.pageserver.image.DataDirFiles;
import dev.argondb.pageserver.image.DeltaImageWriter;
import dev.argondb.pageserver.image.Image;
import dev.argondb.pageserver.timeline.Timeline;
import dev.argondb.pageserver.wal.WalView;
import dev.argondb.pgformat.ControlFile;
import dev.argondb.pgformat.DbState;
import dev.argondb.pgformat.Lsn;
import dev.argondb.pgformat.WalSegments;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rolls one timeline's newest image forward when {@link RollForwardPlanner} says it is due: materializes
 * the image into a scratch directory ({@code <timeline>/redo/}; kept after a success, so the next run of the
 * timeline starts from it), places the WAL from the image's redo point
 * to the stop LSN in its pg_wal (zeros after it), runs a {@link RedoPostgres} to the stop LSN, checks what it
 * left (shut down in recovery, past the base's checkpoint, stopped where told), records the stop LSN as its
 * minRecoveryPoint and keeps the pages that changed as a delta image at that LSN. A failed run leaves nothing
 * behind (the next check retries). Blocking; one run per timeline at a time is the caller's to ensure.
 */
public final class ImageRollForward {
  private static final Logger LOG = LoggerFactory.getLogger(ImageRollForward.class);
  /** Materialized files carry this time: one that differs after the run was written by it. */
  static final FileTime UNTOUCHED = FileTime.fromMillis(946_684_800_000L); // 2000-01-01
  /**
   * A standby that cannot reach its target waits for WAL forever: a run gets two minutes plus a second per
   * MB of WAL (recovery replays 257 MB in under 3 s here, DESIGN.md).
   */
  private static final Duration RUN_TIMEOUT_BASE = Duration.ofMinutes(2);
  private static final Pattern STOPPED = Pattern.compile(
      "recovery stopping after WAL location \\(LSN\\) \"([0-9A-Fa-f]+/[0-9A-Fa-f]+)\"");
  private static final String SCRATCH = "redo";

  private final PgBinaries binaries;
  private final RollForwardPlanner planner;
  private final RedoMetrics metrics;
  private final Set<RedoPostgres> running = ConcurrentHashMap.newKeySet();
  /**
   * Per timeline, the image LSN whose data directory the last successful run left in its scratch directory:
   * the next run starts from it instead of materializing the chain again (DESIGN.md: copying a directory is
   * file-count bound). In memory only: a restarted pageserver removes scratch directories.
   */
  private final Map<String, Long> kept = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private final int maxDeltaChain;

  public ImageRollForward(PgBinaries binaries, long thresholdBytes, RedoMetrics metrics) {
    this(binaries, thresholdBytes, metrics, ChainSource.LOCAL);
  }

  /** @param chains opens the image chain a run starts from (the layer cache: downloaded if need be, pinned) */
  public ImageRollForward(PgBinaries binaries, long thresholdBytes, RedoMetrics metrics, ChainSource chains) {
    this(binaries, thresholdBytes, metrics, chains, dev.argondb.pageserver.PageserverConfig.DEFAULT_MAX_DELTA_CHAIN);
  }

  /**
   * @param chains        opens the image chain a run starts from (the layer cache: downloaded if need be, pinned)
   * @param maxDeltaChain delta images allowed on top of a full image: a run whose delta would make the chain longer
   *                      keeps the whole data directory as a full image instead (compaction: GC can then free the
   *                      older chain, which nothing at or above the new image needs)
   */
  public ImageRollForward(PgBinaries binaries, long thresholdBytes, RedoMetrics metrics, ChainSource chains,
                          int maxDeltaChain) {
    this.maxDeltaChain = maxDeltaChain;
    this.binaries = binaries;
    this.planner = new RollForwardPlanner(thresholdBytes, chains);
    this.metrics = metrics;
  }

  /** Removes what a run that did not finish (a crash) left in the timeline's directory. */
  public static void removeLeftovers(Timeline timeline) throws IOException {
    PgFiles.deleteRecursively(timeline.dir().resolve(SCRATCH));
    timeline.images().removeUnfinished();
  }

  /** The new image, or empty if the timeline is not due. */
  public Optional<Image> runIfDue(Timeline timeline) throws IOException {
    Optional<RollForwardPlan> plan = planner.plan(timeline);
    if (plan.isEmpty()) {
      return Optional.empty();
    }
    if (closed) {
      plan.get().pinned().close();
      return Optional.empty();
    }
    long begin = System.nanoTime();
    try (var pinned = plan.get().pinned()) {
      Image image = run(plan.get(), begin);
      return Optional.of(image);
    } catch (IOException | RuntimeException e) {
      metrics.failed(System.nanoTime() - begin);
      LOG.warn("Rolling {}/{} forward from {} to {} failed (retried later): {}", timeline.tenantId(),
          timeline.timelineId(), Lsn.format(plan.get().base().newest().lsn()), Lsn.format(plan.get().stopLsn()),
          e.getMessage());
      throw e;
    }
  }

  /** Kills running redo Postgres processes and refuses new runs (the pageserver stops). */
  public void close() {
    closed = true;
    running.forEach(RedoPostgres::kill);
  }

  private Image run(RollForwardPlan plan, long begin) throws IOException {
    Timeline timeline = plan.timeline();
    Image base = plan.base().newest();
    Path scratch = timeline.dir().resolve(SCRATCH);
    Path dataDir = scratch.resolve("pgdata");
    Path imageDir = null;
    boolean published = false;
    String key = timeline.tenantId() + "/" + timeline.timelineId();
    Long keptLsn = kept.remove(key);
    boolean reuse = keptLsn != null && keptLsn == base.lsn() && plan.base().owner().equals(timeline.timelineId())
        && Files.isDirectory(dataDir);
    LOG.info("Rolling {}/{} image forward from {} to {} over {} MB of WAL ({})", timeline.tenantId(),
        timeline.timelineId(), Lsn.format(base.lsn()), Lsn.format(plan.stopLsn()),
        String.format("%.1f", plan.walBytes() / 1048576.0),
        reuse ? "from the last run's directory" : "materializing the image");
    try {
      if (reuse) {
        resetKept(dataDir);
      } else {
        PgFiles.deleteRecursively(scratch);
        plan.base().materialize(dataDir, UNTOUCHED);
      }
      long materialized = System.nanoTime();
      placeWal(dataDir.resolve(DataDirFiles.WAL_DIR), WalView.of(timeline, plan.stopLsn()), base.redoLsn(),
          plan.stopLsn());
      long redoBegin = System.nanoTime();
      Path log = scratch.resolve("redo.log");
      RedoPostgres redo = RedoPostgres.start(binaries, dataDir, plan.targetLsn(), log);
      running.add(redo);
      int exit;
      try {
        if (closed) {
          redo.kill();
        }
        exit = redo.awaitExit(RUN_TIMEOUT_BASE.plusSeconds(plan.walBytes() >> 20));
      } finally {
        running.remove(redo);
      }
      long redoNanos = System.nanoTime() - redoBegin;
      ControlFile control = checkRun(plan, dataDir, log, exit);
      long postgresMinRecoveryPoint = control.minRecoveryPoint();
      // The image holds every page as of the stop LSN (SLRU pages such as pg_xact included), while
      // minRecoveryPoint only follows flushed data pages: the stop LSN is the image's LSN.
      control.withMinRecoveryPoint(plan.stopLsn()).write(dataDir.resolve(DataDirFiles.CONTROL_FILE));
      long writeBegin = System.nanoTime();
      imageDir = timeline.images().prepare(plan.stopLsn());
      boolean full = plan.base().layers().size() > maxDeltaChain;
      DeltaImageWriter.Written written = full ? FullImageWriter.write(dataDir, imageDir)
          : DeltaImageWriter.write(dataDir, plan.base(), UNTOUCHED, imageDir);
      long writeNanos = System.nanoTime() - writeBegin;
      Image image = timeline.images().publish(new Image(imageDir, plan.stopLsn(), control.checkPoint(), control.redo(),
          false, full ? null : new Image.Base(plan.base().owner(), base.lsn())));
      published = true;
      Files.deleteIfExists(log);
      if (full) {
        LOG.info("Compacted {}/{}: the image at {} is full (its base chain had {} images)", timeline.tenantId(),
            timeline.timelineId(), Lsn.format(image.lsn()), plan.base().layers().size());
      } else {
        kept.put(key, image.lsn()); // a full image took the scratch directory
      }
      long nanos = System.nanoTime() - begin;
      metrics.succeeded(nanos, written.bytes());
      LOG.info("Rolled {}/{} image forward from {} to {} (checkpoint {}, Postgres's minRecoveryPoint {}) in {} ms:"
              + " {} MB of WAL; materialize {} ms, place WAL {} ms, redo Postgres {} ms, write delta {} ms;"
              + " delta image {} KB ({} pages stored, {} compared, {} whole files) of a {} MB data directory,"
              + " chain of {}", timeline.tenantId(), timeline.timelineId(), Lsn.format(base.lsn()),
          Lsn.format(image.lsn()), Lsn.format(image.checkpointLsn()), Lsn.format(postgresMinRecoveryPoint),
          nanos / 1_000_000, String.format("%.1f", plan.walBytes() / 1048576.0), (materialized - begin) / 1_000_000,
          (redoBegin - materialized) / 1_000_000, redoNanos / 1_000_000, writeNanos / 1_000_000,
          written.bytes() / 1024, written.pagesStored(), written.pagesCompared(), written.wholeFiles(),
          plan.base().materializedBytes() >> 20, plan.base().layers().size() + 1);
      return image;
    } finally {
      if (!published) {
        if (imageDir != null) {
          PgFiles.deleteRecursively(imageDir);
        }
        PgFiles.deleteRecursively(scratch);
      }
    }
  }

  /**
   * Makes the directory a successful run left equal to a materialization of its image: removes what an
   * image leaves out (signal files, WAL segments, the postmaster's files) and gives every file the
   * untouched time again. Everything else in it is exactly what the image stores.
   */
  private static void resetKept(Path dataDir) throws IOException {
    List<Path> paths;
    try (var walk = Files.walk(dataDir)) {
      paths = walk.sorted(java.util.Comparator.reverseOrder()).toList();
    }
    for (Path path : paths) {
      if (path.equals(dataDir) || Files.isDirectory(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      if (DataDirFiles.isLeftOut(dataDir.relativize(path).toString().replace('\\', '/'))) {
        Files.delete(path);
      } else {
        Files.setLastModifiedTime(path, UNTOUCHED);
      }
    }
  }

  /** The run's pg_control, after checking the run did what was asked. */
  private static ControlFile checkRun(RollForwardPlan plan, Path dataDir, Path log, int exit) throws IOException {
    String output = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    if (exit != 0) {
      throw new IOException("the redo Postgres exited with code " + exit + ": " + tail(output));
    }
    Matcher stopped = STOPPED.matcher(output);
    if (!stopped.find()) {
      throw new IOException("the redo Postgres did not stop at its recovery target: " + tail(output));
    }
    long stoppedAfter = Lsn.parse(stopped.group(1));
    if (Lsn.compare(stoppedAfter, plan.targetLsn()) < 0 || Lsn.compare(stoppedAfter, plan.stopLsn()) >= 0) {
      throw new IOException("the redo Postgres stopped after the record at " + Lsn.format(stoppedAfter)
          + ", not the one ending at " + Lsn.format(plan.stopLsn()));
    }
    ControlFile control = ControlFile.read(dataDir.resolve(DataDirFiles.CONTROL_FILE));
    if (control.state() != DbState.SHUTDOWNED_IN_RECOVERY) {
      throw new IOException("the redo Postgres left pg_control state " + control.state());
    }
    if (Lsn.compare(control.checkPoint(), plan.base().newest().checkpointLsn()) <= 0) {
      throw new IOException("the redo run's checkpoint " + Lsn.format(control.checkPoint())
          + " did not advance past " + Lsn.format(plan.base().newest().checkpointLsn()));
    }
    if (Lsn.compare(control.minRecoveryPoint(), plan.stopLsn()) > 0) {
      throw new IOException("the redo run's minRecoveryPoint " + Lsn.format(control.minRecoveryPoint())
          + " is past its stop LSN " + Lsn.format(plan.stopLsn()));
    }
    return control;
  }

  /** Whole segments from the one holding {@code from} to the one holding {@code to}, zeros after {@code to}. */
  private static void placeWal(Path walDir, WalView wal, long from, long to) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
    for (long seg = WalSegments.segmentNumber(from); seg <= WalSegments.segmentNumber(to); seg++) {
      long start = WalSegments.segmentStart(seg);
      try (FileChannel out = FileChannel.open(walDir.resolve(WalSegments.fileName(seg)), StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE)) {
        for (long offset = 0; offset < WalSegments.SEGMENT_SIZE; offset += buffer.capacity()) {
          buffer.clear();
          wal.read(start + offset, buffer);
          buffer.flip();
          long at = offset;
          while (buffer.hasRemaining()) {
            at += out.write(buffer, at);
          }
        }
      }
    }
  }

  private static String tail(String output) {
    String[] lines = output.split("\n");
    return String.join(" | ", java.util.Arrays.copyOfRange(lines, Math.max(0, lines.length - 6), lines.length));
  }
}
