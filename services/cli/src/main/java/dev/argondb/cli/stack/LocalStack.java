package dev.argondb.cli.stack;

import dev.argondb.cli.ArgonHome;
import dev.argondb.bus.PageserverRef;
import dev.argondb.bus.SafekeeperRef;
import dev.argondb.pageserver.PageserverConfig;
import dev.argondb.pageserver.remote.RemoteStorageConfig;
import dev.argondb.cli.LocalStackSettings;
import dev.argondb.cli.roles.ServiceRoles;
import dev.argondb.compute.ComputeConfig;
import dev.argondb.compute.ComputeService;
import dev.argondb.pgruntime.PgProcess;
import dev.argondb.controlplane.ControlPlaneConfig;
import dev.argondb.gateway.GatewayConfig;
import dev.argondb.observability.ProcessMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every service in one JVM on a single-member Hazelcast cluster bound to 127.0.0.1: the safekeepers,
 * the pageserver, the control plane's Postgres, the control plane, the compute agent and the gateway. The services share
 * nothing but the event bus, and each is deployed by its {@link dev.argondb.cli.roles.ServiceRole}, the
 * same object {@code argon service <role>} uses to run it in a JVM of its own.
 */
public final class LocalStack implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);

  /** The actual ports (a setting of 0 picks a free port). */
  public record Ports(int gateway, int gatewayHttp, int controlPlaneHttp, int computeHttp) {}

  private final Vertx vertx;
  private final ProcessMetrics metrics;
  private final PgProcess controlDb;
  private final Ports ports;
  private final ComputeService.Handle compute;
  private final LocalSafekeepers safekeepers;

  private LocalStack(Vertx vertx, ProcessMetrics metrics, PgProcess controlDb, Ports ports,
                     ComputeService.Handle compute, LocalSafekeepers safekeepers) {
    this.vertx = vertx;
    this.metrics = metrics;
    this.controlDb = controlDb;
    this.ports = ports;
    this.compute = compute;
    this.safekeepers = safekeepers;
  }

  public static Future<LocalStack> start(ArgonHome home, LocalStackSettings settings, String clusterName) {
    long begin = System.nanoTime();
    ProcessMetrics metrics = new ProcessMetrics();
    return ClusterVertx.start(ClusterSettings.singleMember(clusterName), metrics).compose(vertx ->
        vertx.executeBlocking(() -> ControlPlaneDatabase.start(home, settings))
            .compose(controlDb -> deployServices(vertx, home, settings, metrics)
                .map(started -> new LocalStack(vertx, metrics, controlDb, started.ports, started.compute,
                    started.safekeepers))
                .recover(failure -> {
                  stopQuietly(controlDb);
                  return vertx.close().transform(ignored -> Future.failedFuture(failure));
                }))
            .onSuccess(stack -> LOG.info("ArgonDB local stack up in {} ms: gateway 127.0.0.1:{}, REST http://127.0.0.1:{}/v1",
                (System.nanoTime() - begin) / 1_000_000, stack.ports.gateway(), stack.ports.controlPlaneHttp()))
            .recover(failure -> vertx.close().transform(ignored -> Future.failedFuture(failure))));
  }

  private record Started(Ports ports, ComputeService.Handle compute, LocalSafekeepers safekeepers) {}

  private static Future<Started> deployServices(Vertx vertx, ArgonHome home, LocalStackSettings settings,
                                                ProcessMetrics metrics) {
    LocalSafekeepers safekeepers = new LocalSafekeepers(vertx, home, settings, metrics.registry());
    PageserverConfig defaults = PageserverConfig.defaults(home.pageserverDir(), settings.pageserverPort());
    PageserverConfig pageserverConfig = defaults
        .withRedo(settings.imageRollForwardBytes(), defaults.redoConcurrency(), defaults.redoCheckMillis())
        .withPgBinDir(settings.pgBinDir())
        .withRemoteStorage(settings.remoteStorage() != null ? settings.remoteStorage()
            : new RemoteStorageConfig.Directory(home.root().resolve("remote")));
    return safekeepers.startAll()
        .compose(refs -> refs.isEmpty()
            // Without safekeepers there is no WAL to ingest: computes keep their own data directories.
            ? deployComputeSide(vertx, home, settings, metrics, refs, null)
            : ServiceRoles.PAGESERVER.deploy(vertx, pageserverConfig, metrics.registry())
                .compose(pageserver -> deployComputeSide(vertx, home, settings, metrics, refs,
                    new PageserverRef(pageserver.host(), pageserver.port()))))
        .map(started -> new Started(started.ports(), started.compute(), safekeepers))
        .compose(started -> StackAdminVerticle.deploy(vertx, settings.stackAdminPort(), safekeepers).map(started));
  }

  private static Future<Started> deployComputeSide(Vertx vertx, ArgonHome home, LocalStackSettings settings,
                                                   ProcessMetrics metrics, List<SafekeeperRef> safekeepers,
                                                   PageserverRef pageserver) {
    ControlPlaneConfig controlPlaneConfig = ControlPlaneConfig.defaults()
        .withHttpPort(settings.controlPlaneHttpPort())
        .withDatabaseUrl(ControlPlaneDatabase.url(settings))
        .withStorage(safekeepers, settings.walQuorum(), pageserver);
    ComputeConfig computeConfig = new ComputeConfig(home.computesDir(), settings.pgBinDir(), "127.0.0.1",
        settings.computeHttpPort(), Map.of(), 60_000, 60_000);
    GatewayConfig plainGateway = GatewayConfig.defaults()
        .withPorts(settings.gatewayPort(), settings.gatewayHttpPort())
        .withDefaultEndpoint(LocalStackSettings.DEFAULT_ENDPOINT)
        .withInstances(settings.gatewayInstances());
    GatewayConfig gatewayConfig = !home.hasTlsCertificate() ? plainGateway
        : plainGateway.withTls(home.tlsCertFile().toString(), home.tlsKeyFile().toString(), settings.gatewayRequireTls());
    return ServiceRoles.COMPUTE.deploy(vertx, computeConfig, metrics.registry()).compose(compute ->
        ServiceRoles.CONTROL_PLANE.deploy(vertx, controlPlaneConfig, metrics.registry()).compose(controlPlane ->
            ServiceRoles.GATEWAY.deploy(vertx, gatewayConfig, metrics.registry()).map(gateway ->
                new Started(new Ports(gateway.port(), gateway.httpPort(), controlPlane.httpPort(), compute.httpPort()),
                    compute, null))));
  }

  public Ports ports() {
    return ports;
  }

  public Vertx vertx() {
    return vertx;
  }

  public ComputeService.Handle compute() {
    return compute;
  }

  public LocalSafekeepers safekeepers() {
    return safekeepers;
  }

  /** Suspends every compute (undeploying the agent does), then stops the control plane's database. Blocking. */
  @Override
  public void close() {
    LOG.info("Stopping the ArgonDB local stack");
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get();
    } catch (Exception e) {
      LOG.warn("Closing Vert.x failed: {}", e.toString());
    }
    stopQuietly(controlDb);
    metrics.close();
    LOG.info("ArgonDB local stack stopped");
  }

  private static void stopQuietly(PgProcess process) {
    try {
      process.stop(PgProcess.Shutdown.FAST, Duration.ofSeconds(60));
    } catch (Exception e) {
      LOG.warn("Stopping the control plane database failed: {}", e.toString());
    }
  }
}
