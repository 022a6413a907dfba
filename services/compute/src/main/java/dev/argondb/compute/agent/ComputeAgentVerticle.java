package dev.argondb.compute.agent;

import dev.argondb.bus.grpc.BulkGrpc;
import dev.argondb.pgformat.CheckpointRecordEnd;
import dev.argondb.bus.BusAddresses;
import dev.argondb.bus.BusErrors;
import dev.argondb.bus.ComputeStarted;
import dev.argondb.bus.ComputeState;
import dev.argondb.bus.ComputeStateChanged;
import dev.argondb.bus.ComputeStopped;
import dev.argondb.bus.StartCompute;
import dev.argondb.bus.StopCompute;
import dev.argondb.bus.WalSource;
import dev.argondb.bus.SyncComputeRoles;
import dev.argondb.bus.ComputeRolesSynced;
import dev.argondb.compute.ComputeConfig;
import dev.argondb.pgruntime.FreePorts;
import dev.argondb.pgruntime.PgBinaries;
import dev.argondb.pgruntime.PgProcess;
import dev.argondb.pgruntime.PgServer;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.SqlConnection;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts and stops one Postgres process per endpoint on request over the event bus. Operations on
 * one endpoint run one after another; process control runs on worker threads.
 */
public final class ComputeAgentVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ComputeAgentVerticle.class);
  private static final int START_ATTEMPTS = 3;
  /**
   * Settings of a compute whose WAL the safekeepers keep: streaming replication to them, COMMIT
   * waiting for a quorum, and checkpoints often enough for images to roll forward (DESIGN.md). No fsync, as
   * Neon's computes: a COMMIT is durable once a quorum of safekeepers fsynced it, and a compute starts from a
   * pageserver basebackup, so its own files never need to survive a host crash (a kept directory is reused only
   * within the boot that wrote it). This spares each cold start Postgres's fsync of every file of the fresh
   * directory before crash recovery (SyncDataDirectory), and each checkpoint its fsyncs.
   */
  private static final Map<String, String> DURABLE_WAL_SETTINGS = Map.of(
      "wal_level", "replica",
      "synchronous_commit", "on",
      "max_wal_senders", "10",
      "max_replication_slots", "10",
      "wal_sender_timeout", "10s",
      "checkpoint_timeout", "60s",
      "wal_keep_size", "128MB",
      "fsync", "off");

  private final ComputeConfig config;
  private final ComputeMetrics metrics;
  private final Map<String, RunningCompute> computes = new java.util.concurrent.ConcurrentHashMap<>();
  /** The last queued operation of each endpoint: the next one starts when it completes. */
  private final Map<String, Future<?>> operationTail = new HashMap<>();
  private PgBinaries binaries;
  private DataDirectoryPreparer preparer;
  private LazyComputes lazies;
  /** The agent is stopping: suspends discard lazy files instead of keeping them (read on a worker). */
  private volatile boolean stopping;
  /** One HTTP/2 client for the pageserver's basebackups and the pages of lazy files. */
  private io.vertx.grpc.client.GrpcClient pageserverGrpc;

  public ComputeAgentVerticle(ComputeConfig config, ComputeMetrics metrics) {
    this.config = config;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    return vertx.executeBlocking(this::resolveBinaries).compose(resolved -> {
      binaries = resolved;
      io.vertx.core.Context loop = context;
      pageserverGrpc = BulkGrpc.client(vertx);
      return vertx.executeBlocking(() -> LazyComputes.open(config.lazyMinBytes(), pageserverGrpc, loop));
    }).compose(opened -> {
      lazies = opened;
      if (lazies.stats() != null) {
        metrics.lazyFiles(lazies.stats());
      }
      preparer = new DataDirectoryPreparer(vertx, binaries,
          new dev.argondb.compute.basebackup.BasebackupClient(vertx, pageserverGrpc), lazies);
      return vertx.executeBlocking(this::stopOrphanedComputes);
    }).compose(orphans -> {
      // The control plane may still list them as running at their old address: tell it they are gone.
      for (String endpointId : orphans) {
        vertx.eventBus().publish(BusAddresses.COMPUTE_STATE, new ComputeStateChanged(endpointId,
            ComputeState.SUSPENDED, null, 0, "stopped a compute left running by a previous compute agent"));
      }
      vertx.eventBus().<StartCompute>consumer(BusAddresses.COMPUTE_START, this::onStart);
      vertx.eventBus().<StopCompute>consumer(BusAddresses.COMPUTE_STOP, this::onStop);
      vertx.eventBus().<SyncComputeRoles>consumer(BusAddresses.COMPUTE_SYNC_ROLES, this::onSyncRoles);
      return Future.succeededFuture();
    });
  }

  /** Stops computes that a killed agent left running in this data root. Blocking; returns their endpoint ids. */
  private List<String> stopOrphanedComputes() throws IOException {
    List<String> stopped = new ArrayList<>();
    for (String endpointId : ComputeDirectory.endpointIds(config.dataRoot())) {
      Path dataDir = new ComputeDirectory(config.dataRoot(), endpointId).dataDir();
      var orphan = dev.argondb.pgruntime.OrphanedPostmaster.in(dataDir);
      if (orphan.isPresent()) {
        LOG.warn("Stopping orphaned Postgres (pid {}) of endpoint {}", orphan.get().pid(), endpointId);
        orphan.get().stop(Duration.ofMillis(config.stopTimeoutMillis()));
        stopped.add(endpointId);
      }
    }
    return stopped;
  }

  private PgBinaries resolveBinaries() {
    return config.pgBinDir() != null ? PgBinaries.installedAt(Path.of(config.pgBinDir())) : PgBinaries.fromEnvironment();
  }

  /** Suspends every compute, so stopping the agent leaves no Postgres behind, then unmounts the lazy files. */
  @Override
  public Future<?> stop() {
    stopping = true;
    List<Future<ComputeStopped>> stops = new ArrayList<>();
    for (RunningCompute compute : computes.values()) {
      stops.add(serialized(compute.endpointId, () -> stopNow(compute)));
    }
    return Future.join(stops).eventually(() -> lazies == null ? Future.succeededFuture()
        : vertx.executeBlocking(() -> {
          lazies.close();
          return null;
        }, false));
  }

  /**
   * {local bytes, original bytes} of the endpoint's lazy files (read from the pageserver on demand and in the
   * background until all are local), or null when it has none; for the HTTP status route.
   */
  public long[] lazyProgress(String endpointId) {
    return lazies == null ? null : lazies.progress(endpointId);
  }

  /** A snapshot of every compute this agent knows, for the HTTP status route. */
  public Collection<RunningCompute> computes() {
    return new ArrayList<>(computes.values());
  }

  private void onStart(Message<StartCompute> message) {
    StartCompute request = message.body();
    RunningCompute compute = computes.computeIfAbsent(request.endpointId(),
        id -> new RunningCompute(id, request.endpointName(), request.tenantId(), request.timelineId()));
    serialized(compute.endpointId, () -> start(compute, request)).onComplete(result -> {
      if (result.succeeded()) {
        message.reply(result.result());
      } else {
        message.fail(BusErrors.UNAVAILABLE, result.cause().getMessage());
      }
    });
  }

  private void onStop(Message<StopCompute> message) {
    StopCompute request = message.body();
    RunningCompute compute = computes.get(request.endpointId());
    if (compute == null) {
      message.reply(new ComputeStopped(request.endpointId(), true, "not running", 0));
      return;
    }
    serialized(compute.endpointId, () -> request.onlyIfIdle() ? stopIfIdle(compute) : stopNow(compute))
        .onComplete(result -> {
          if (result.succeeded()) {
            message.reply(result.result());
          } else {
            message.fail(BusErrors.INTERNAL, result.cause().getMessage());
          }
        });
  }

  /** Applies a tenant's changed roles to a running compute; a suspended one gets them at its next start. */
  private void onSyncRoles(Message<SyncComputeRoles> message) {
    SyncComputeRoles request = message.body();
    RunningCompute compute = computes.get(request.endpointId());
    if (compute == null) {
      message.reply(new ComputeRolesSynced(request.endpointId(), false));
      return;
    }
    serialized(compute.endpointId, () -> {
      if (!compute.isRunning()) {
        return Future.succeededFuture(false);
      }
      if (compute.readOnly) {
        return Future.succeededFuture(false); // a hot standby has the roles of its LSN and cannot change them
      }
      return withAgentConnection(compute, conn -> RoleSync.apply(conn, request.roles())).map(true);
    }).onComplete(result -> {
      if (result.succeeded()) {
        message.reply(new ComputeRolesSynced(request.endpointId(), result.result()));
      } else {
        message.fail(BusErrors.INTERNAL, result.cause().getMessage());
      }
    });
  }

  private <T> Future<T> serialized(String endpointId, Supplier<Future<T>> operation) {
    Future<?> previous = operationTail.getOrDefault(endpointId, Future.succeededFuture());
    Future<T> next = previous.transform(ignored -> operation.get());
    operationTail.put(endpointId, next);
    next.onComplete(done -> operationTail.remove(endpointId, next));
    return next;
  }

  private Future<ComputeStarted> start(RunningCompute compute, StartCompute request) {
    if (compute.isRunning()) {
      return Future.succeededFuture(started(compute, 0, true, 0));
    }
    long begin = System.nanoTime();
    ComputeDirectory directory = new ComputeDirectory(config.dataRoot(), compute.endpointId);
    setState(compute, ComputeState.STARTING, null);
    compute.wal = request.wal();
    compute.readOnly = request.basebackup() != null && request.basebackup().readOnly();
    return preparer.prepare(request, directory)
        .compose(prepared -> vertx.executeBlocking(() -> startPostgres(compute, directory, request.wal()), false)
            .compose(process -> {
              compute.process = process;
              compute.stopRequested = false;
              watchExit(compute, process);
              if (compute.readOnly) {
                return Future.succeededFuture();
              }
              return withAgentConnection(compute, conn -> RoleSync.apply(conn, request.roles())
                  .compose(rolesDone -> request.wal() == null ? Future.succeededFuture()
                      : ReplicationSetup.apply(conn, request.wal())));
            })
            .map(ignored -> {
              long millis = (System.nanoTime() - begin) / 1_000_000;
              metrics.started(compute.endpointName, Duration.ofMillis(millis), prepared.initialized());
              setState(compute, ComputeState.RUNNING, null);
              lazies.prefetch(compute.endpointId);
              LOG.info("Endpoint {} running on {}:{} (started in {} ms{}{})", compute.endpointName,
                  config.computeHost(), compute.process.port(), millis, prepared.initialized() ? ", with initdb" : "",
                  prepared.basebackupMillis() > 0 ? ", basebackup " + prepared.basebackupMillis() + " ms" : "");
              return started(compute, millis, false, prepared.basebackupMillis());
            }))
        .recover(failure -> {
          metrics.starts(compute.endpointName, "failed");
          LOG.warn("Endpoint {} failed to start: {}", compute.endpointName,
              failure.getMessage() != null ? failure.getMessage() : failure.toString());
          setState(compute, ComputeState.FAILED, failure.getMessage());
          return killQuietly(compute)
              .eventually(() -> vertx.executeBlocking(() -> {
                lazies.discard(compute.endpointId); // the next start clears the directory
                return null;
              }, false))
              .transform(ignored -> Future.failedFuture(failure));
        });
  }

  private PgProcess startPostgres(RunningCompute compute, ComputeDirectory directory, WalSource wal)
      throws IOException {
    ComputeAccess.writeHba(directory.dataDir());
    removeSocketDirectory(compute);
    compute.socketDir = ComputeAccess.newSocketDirectory();
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("password_encryption", "scram-sha-256");
    settings.putAll(ComputeAccess.socketSettings(compute.socketDir));
    if (compute.readOnly) {
      settings.put("hot_standby", "on");
    }
    if (wal != null) {
      settings.putAll(DURABLE_WAL_SETTINGS);
      settings.put("synchronous_standby_names", ReplicationSetup.synchronousStandbyNames(wal));
    }
    settings.putAll(config.postgresSettings());
    IOException last = null;
    for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      try {
        return PgServer.start(binaries, directory.dataDir(), config.computeHost(), FreePorts.pick(), settings,
            directory.logFile(),
            Duration.ofMillis(config.startTimeoutMillis()));
      } catch (IOException e) {
        last = e;
        if (!String.valueOf(e.getMessage()).contains("could not bind")) {
          throw e; // only a lost race for the picked port is worth another try
        }
      }
    }
    throw last;
  }

  private void watchExit(RunningCompute compute, PgProcess process) {
    io.vertx.core.Context context = vertx.getOrCreateContext();
    process.onExit().thenAccept(code -> context.runOnContext(v -> {
      if (compute.process == process && !compute.stopRequested) {
        compute.process = null;
        LOG.warn("Postgres of endpoint {} exited unexpectedly with code {}", compute.endpointName, code);
        setState(compute, ComputeState.FAILED, "postgres exited with code " + code);
      }
    }));
  }

  private Future<ComputeStopped> stopIfIdle(RunningCompute compute) {
    if (!compute.isRunning()) {
      return stopNow(compute);
    }
    return withAgentConnection(compute, ComputeAgentVerticle::clientBackends)
        .compose(clients -> clients > 0
            ? Future.succeededFuture(new ComputeStopped(compute.endpointId, false, clients + " client backend(s) connected", 0))
            : stopNow(compute));
  }

  private static Future<Long> clientBackends(SqlConnection connection) {
    // An idle connection parked in a gateway's pool is no client: the stop closes it (see PooledBackends). Nor
    // is the agent's own (its probes, role sync), which would otherwise refuse a suspend that meets one.
    return connection.query("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'"
            + " AND usename IS DISTINCT FROM '" + ComputeDirectory.AGENT_USER + "'"
            + " AND NOT (state = 'idle' AND application_name = '"
            + dev.argondb.bus.PooledBackends.APPLICATION_NAME + "')").execute()
        .map(rows -> rows.iterator().next().getLong(0));
  }

  private Future<ComputeStopped> stopNow(RunningCompute compute) {
    PgProcess process = compute.process;
    if (process == null || !process.isAlive()) {
      compute.process = null;
      setState(compute, ComputeState.SUSPENDED, null);
      return Future.succeededFuture(new ComputeStopped(compute.endpointId, true, "not running", 0));
    }
    setState(compute, ComputeState.SUSPENDING, null);
    compute.stopRequested = true;
    return vertx.executeBlocking(() -> {
          process.stop(PgProcess.Shutdown.FAST, Duration.ofMillis(config.stopTimeoutMillis()));
          removeSocketDirectory(compute);
          keepOrDropLazyFiles(compute);
          // The shutdown checkpoint is the last WAL record: the safekeepers must hold WAL up to its end.
          return compute.wal == null ? 0L : CheckpointRecordEnd.of(process.dataDir());
        }, false)
        .map(endLsn -> {
          compute.process = null;
          metrics.stops(compute.endpointName, "ok");
          setState(compute, ComputeState.SUSPENDED, null);
          LOG.info("Endpoint {} suspended{}", compute.endpointName,
              endLsn == 0 ? "" : ", its WAL ends at " + dev.argondb.pgformat.Lsn.format(endLsn));
          return new ComputeStopped(compute.endpointId, true, "stopped", endLsn);
        });
  }

  /**
   * After a compute stopped, its lazy files: once all are local they become ordinary files (renames), and the
   * directory is an ordinary kept one. Until then they stay served, and fetched in the background, by this agent,
   * which may reuse the directory as long as it runs (a stop does not wait for a gigabyte to arrive). When the
   * agent is stopping, or the compute was read-only (its directory is never reused), they are dropped and the next
   * start fetches a fresh basebackup. Blocking.
   */
  private void keepOrDropLazyFiles(RunningCompute compute) throws IOException {
    if (!lazies.serves(compute.endpointId)) {
      return;
    }
    if (stopping || compute.readOnly) {
      lazies.discard(compute.endpointId); // the directory keeps its lazy-files directory: never reused
      return;
    }
    try {
      lazies.materializeIfComplete(compute.endpointId);
    } catch (IOException | RuntimeException e) {
      LOG.warn("Endpoint {}: its lazy files could not be made whole ({}); the next start fetches a basebackup",
          compute.endpointName, e.getMessage());
      lazies.discard(compute.endpointId);
    }
  }

  private Future<Void> killQuietly(RunningCompute compute) {
    PgProcess process = compute.process;
    compute.process = null;
    if (process == null) {
      return Future.succeededFuture();
    }
    compute.stopRequested = true;
    return vertx.executeBlocking(() -> {
      process.stop(PgProcess.Shutdown.IMMEDIATE, Duration.ofSeconds(10));
      removeSocketDirectory(compute);
      return null;
    }, false).mapEmpty();
  }

  /**
   * Runs {@code work} over a fresh connection of the agent's own superuser to a running compute, then
   * closes it; fails if the compute does not run.
   */
  public <T> Future<T> withAgentConnection(RunningCompute compute,
                                           java.util.function.Function<SqlConnection, Future<T>> work) {
    PgProcess process = compute.process;
    Path socketDir = compute.socketDir;
    if (process == null || socketDir == null || !process.isAlive()) {
      return Future.failedFuture("endpoint " + compute.endpointName + " does not run");
    }
    // Over the compute's private Unix socket, where the agent's superuser is trusted (ComputeAccess).
    PgConnectOptions options = new PgConnectOptions().setHost(socketDir.toString()).setPort(process.port())
        .setDatabase("postgres").setUser(ComputeDirectory.AGENT_USER)
        // The agent's own writes (roles, slots) must not wait for safekeepers that follow the compute
        // only after it started: they are re-applied at every start, so local durability is enough.
        .setProperties(java.util.Map.of("synchronous_commit", "local"));
    return PgConnection.connect(vertx, options)
        .compose(connection -> work.apply(connection).eventually(connection::close));
  }

  private ComputeStarted started(RunningCompute compute, long millis, boolean alreadyRunning, long basebackupMillis) {
    return new ComputeStarted(compute.endpointId, config.computeHost(), compute.process.port(), millis, alreadyRunning,
        basebackupMillis);
  }

  /** Blocking. */
  private static void removeSocketDirectory(RunningCompute compute) throws IOException {
    Path dir = compute.socketDir;
    compute.socketDir = null;
    if (dir != null) {
      dev.argondb.pgruntime.PgFiles.deleteRecursively(dir);
    }
  }

  private void setState(RunningCompute compute, ComputeState state, String detail) {
    compute.state = state;
    metrics.state(compute.endpointName, state);
    boolean hasAddress = state == ComputeState.RUNNING && compute.process != null;
    vertx.eventBus().publish(BusAddresses.COMPUTE_STATE, new ComputeStateChanged(compute.endpointId, state,
        hasAddress ? config.computeHost() : null, hasAddress ? compute.process.port() : 0, detail));
  }
}
