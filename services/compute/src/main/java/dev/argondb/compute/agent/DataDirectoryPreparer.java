package dev.argondb.compute.agent;

import dev.argondb.bus.StartCompute;
import dev.argondb.bus.WalSource;
import dev.argondb.compute.postgres.PgBinaries;
import dev.argondb.pgformat.CheckpointRecordEnd;
import dev.argondb.pgformat.ControlFile;
import dev.argondb.pgformat.DbState;
import dev.argondb.pgformat.Lsn;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes an endpoint's data directory ready to start at its timeline's end. Without safekeepers the
 * directory is simply kept (initdb on first use). With safekeepers, a compute always starts from
 * their WAL: the directory (kept, if it shut down cleanly at a point the chosen history agrees with,
 * else a copy of the timeline's base image) gets the WAL from its checkpoint's redo point up to the
 * chosen end LSN in {@code pg_wal}, zero-padded after it, and {@code pg_control} says "in production",
 * so Postgres crash-recovers exactly to that LSN (see DESIGN.md's verified facts).
 */
final class DataDirectoryPreparer {
  private static final Logger LOG = LoggerFactory.getLogger(DataDirectoryPreparer.class);

  /** @param timelineStartLsn where a timeline created by this start begins (0 for existing timelines) */
  record Prepared(boolean initialized, long timelineStartLsn) {}

  private final Vertx vertx;
  private final PgBinaries binaries;
  private final Path dataRoot;
  private final WalRestore restore;

  DataDirectoryPreparer(Vertx vertx, PgBinaries binaries, Path dataRoot, WalRestore restore) {
    this.vertx = vertx;
    this.binaries = binaries;
    this.dataRoot = dataRoot;
    this.restore = restore;
  }

  Future<Prepared> prepare(StartCompute request, ComputeDirectory directory) {
    WalSource wal = request.wal();
    if (wal == null) {
      return vertx.executeBlocking(() -> {
        boolean initialize = !directory.isInitialized();
        if (initialize) {
          directory.initialize(binaries);
        }
        return new Prepared(initialize, 0);
      }, false);
    }
    BaseImage image = new BaseImage(dataRoot, request.timelineId());
    if (wal.endLsn() == 0) {
      return vertx.executeBlocking(() -> createTimeline(image, directory, wal), false);
    }
    PgWalFiles files = new PgWalFiles(directory.dataDir());
    return vertx.executeBlocking(() -> chooseImage(image, directory, wal), false)
        .compose(from -> from == UP_TO_DATE ? vertx.executeBlocking(() -> {
          directory.recordTerm(wal.term());
          return new Prepared(false, 0);
        }, false) : restore(request, wal, directory, files, from));
  }

  private Future<Prepared> restore(StartCompute request, WalSource wal, ComputeDirectory directory, PgWalFiles files,
                                   long from) {
    return restore.copy(wal.donor(), request.tenantId(), request.timelineId(), from, wal.endLsn(), files)
        .compose(copied -> vertx.executeBlocking(() -> {
          files.endAt(wal.endLsn());
          files.sync();
          ControlFile control = CheckpointRecordEnd.controlFile(directory.dataDir());
          if (control.state() == DbState.SHUTDOWNED) {
            // A cleanly shut down directory ignores WAL after its checkpoint; "in production" makes it replay.
            control.withState(DbState.IN_PRODUCTION)
                .write(directory.dataDir().resolve("global").resolve("pg_control"));
          }
          directory.recordTerm(wal.term());
          return new Prepared(false, 0);
        }, false));
  }

  /** {@link #chooseImage} result: the kept directory ends exactly where the timeline does. */
  private static final long UP_TO_DATE = -1;

  private Prepared createTimeline(BaseImage image, ComputeDirectory directory, WalSource wal) throws IOException {
    image.create(binaries);
    image.copyTo(directory);
    directory.recordTerm(wal.term());
    long start = CheckpointRecordEnd.of(image.dataDir());
    LOG.info("Created a timeline from initdb; its WAL starts at {}", Lsn.format(start));
    return new Prepared(true, start);
  }

  /**
   * Keeps the directory when it is consistent with the chosen history, else copies the base image;
   * returns where WAL restore starts, or {@link #UP_TO_DATE}.
   */
  private long chooseImage(BaseImage image, ComputeDirectory directory, WalSource wal) throws IOException {
    if (directory.isInitialized()) {
      ControlFile control = CheckpointRecordEnd.controlFile(directory.dataDir());
      if (control.state() == DbState.SHUTDOWNED) {
        long checkpointEnd = CheckpointRecordEnd.of(directory.dataDir());
        boolean agrees = checkpointEnd <= wal.validUntil(directory.term());
        if (agrees && checkpointEnd == wal.endLsn()) {
          // Suspended cleanly and nothing was written since: start as is, without WAL restore or crash
          // recovery (DESIGN: a kept directory is reused as is only when its end LSN is the timeline's).
          LOG.info("Reusing the kept data directory as is: it ends at the timeline's end {}", Lsn.format(checkpointEnd));
          return UP_TO_DATE;
        }
        if (agrees && checkpointEnd < wal.endLsn()) {
          LOG.info("Reusing the kept data directory (checkpoint at {}, term {})", Lsn.format(control.checkPoint()),
              directory.term());
          return Math.max(control.redo(), wal.timelineStartLsn());
        }
      }
      LOG.info("The kept data directory is not consistent with the safekeepers' WAL (state {}, term {}): "
          + "starting from the timeline's base image", control.state(), directory.term());
    }
    if (!image.exists()) {
      throw new IOException("no base image of this timeline on this compute host (images come with the pageserver)");
    }
    image.copyTo(directory);
    return wal.timelineStartLsn();
  }
}
