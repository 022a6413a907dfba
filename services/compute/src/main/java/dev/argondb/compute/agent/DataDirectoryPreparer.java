package dev.argondb.compute.agent;

import dev.argondb.bus.BasebackupSource;
import dev.argondb.bus.StartCompute;
import dev.argondb.bus.WalSource;
import dev.argondb.compute.basebackup.BasebackupClient;
import dev.argondb.pgruntime.PgBinaries;
import dev.argondb.pgformat.CheckpointRecordEnd;
import dev.argondb.pgformat.ControlFile;
import dev.argondb.pgformat.DbState;
import dev.argondb.pgformat.Lsn;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import java.io.IOException;
import java.nio.file.Files;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes an endpoint's data directory ready to start. With a pageserver a compute is stateless: it starts
 * from a basebackup of its timeline at the LSN the control plane chose (the timeline's end elected from
 * the safekeepers, or a read-only endpoint's pinned LSN) in a fresh directory, which Postgres
 * crash-recovers to exactly that LSN (DESIGN.md). The directory a suspended compute left is reused only
 * when it shut down cleanly exactly at the timeline's end under a term the chosen history agrees with, during
 * this boot of the host (computes run with fsync=off).
 * Without a pageserver (and safekeepers) the directory is initdb'ed once and kept.
 */
final class DataDirectoryPreparer {
  private static final Logger LOG = LoggerFactory.getLogger(DataDirectoryPreparer.class);

  /** @param initialized the start ran initdb; @param basebackupMillis time spent fetching a basebackup (0: none) */
  record Prepared(boolean initialized, long basebackupMillis) {}

  private final Vertx vertx;
  private final PgBinaries binaries;
  private final BasebackupClient basebackups;
  private final LazyComputes lazies;

  DataDirectoryPreparer(Vertx vertx, PgBinaries binaries, BasebackupClient basebackups, LazyComputes lazies) {
    this.vertx = vertx;
    this.binaries = binaries;
    this.basebackups = basebackups;
    this.lazies = lazies;
  }

  Future<Prepared> prepare(StartCompute request, ComputeDirectory directory) {
    BasebackupSource source = request.basebackup();
    WalSource wal = request.wal();
    if (source == null) {
      if (wal != null) {
        return Future.failedFuture(new IOException(
            "a compute whose WAL the safekeepers keep starts from a pageserver basebackup, but none was named"));
      }
      return vertx.executeBlocking(() -> {
        boolean initialize = !directory.isInitialized();
        if (initialize) {
          directory.initialize(binaries);
        }
        return new Prepared(initialize, 0);
      }, false);
    }
    return vertx.executeBlocking(() -> !source.readOnly() && isUpToDate(directory, wal, source.lsn(),
            lazies.serves(request.endpointId())), false)
        .compose(upToDate -> upToDate ? Future.succeededFuture(new Prepared(false, 0))
            : fetch(request, source, directory))
        .compose(prepared -> vertx.executeBlocking(() -> {
          if (wal != null) {
            directory.recordTerm(wal.term());
            directory.recordBoot();
          }
          if (source.readOnly()) {
            // A hot standby that replays the basebackup's WAL to its LSN, then waits for WAL that never comes.
            Files.createFile(directory.dataDir().resolve("standby.signal"));
          }
          return prepared;
        }, false));
  }

  private Future<Prepared> fetch(StartCompute request, BasebackupSource source, ComputeDirectory directory) {
    long begin = System.nanoTime();
    SocketAddress pageserver = SocketAddress.inetSocketAddress(source.pageserver().grpcPort(),
        source.pageserver().host());
    return vertx.executeBlocking(() -> {
          lazies.discard(request.endpointId());
          directory.clear();
          return null;
        }, false)
        .compose(cleared -> basebackups.fetch(pageserver, request.tenantId(), request.timelineId(), source.lsn(),
            directory.dataDir(), lazies.forStart(request.endpointId(), directory, pageserver, request.tenantId(),
                request.timelineId())))
        .map(lsn -> {
          long millis = (System.nanoTime() - begin) / 1_000_000;
          LOG.info("Endpoint {}: basebackup of timeline {} at {} in {} ms{}", request.endpointName(),
              request.timelineId(), Lsn.format(lsn), millis, source.readOnly() ? " (read-only)" : "");
          return new Prepared(false, millis);
        });
  }

  /**
   * The kept directory suspended cleanly exactly at the timeline's end, under a term whose WAL the chosen
   * history keeps, with no lazy files or lazy files this agent still serves: it can start as is, without a
   * basebackup or crash recovery. Blocking.
   */
  private static boolean isUpToDate(ComputeDirectory directory, WalSource wal, long endLsn, boolean lazyFilesServed)
      throws IOException {
    if (wal == null || !directory.isInitialized()
        || Files.exists(directory.dataDir().resolve("standby.signal"))) {
      return false;
    }
    if (Files.exists(directory.lazyDir()) && !lazyFilesServed) {
      LOG.info("Not reusing the kept data directory: its lazy files were never made whole and nothing serves them");
      return false;
    }
    if (!directory.isFromThisBoot()) {
      LOG.info("Not reusing the kept data directory: it was written before the host last booted (fsync=off)");
      return false;
    }
    ControlFile control = CheckpointRecordEnd.controlFile(directory.dataDir());
    if (control.state() != DbState.SHUTDOWNED) {
      return false;
    }
    long checkpointEnd = CheckpointRecordEnd.of(directory.dataDir());
    boolean upToDate = checkpointEnd == endLsn && checkpointEnd <= wal.validUntil(directory.term());
    if (upToDate) {
      LOG.info("Reusing the kept data directory: it ends at the timeline's end {}", Lsn.format(endLsn));
    }
    return upToDate;
  }
}
