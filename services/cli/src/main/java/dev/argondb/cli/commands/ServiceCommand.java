package dev.argondb.cli.commands;

import dev.argondb.cli.CliException;
import dev.argondb.cli.roles.ServiceConfigFile;
import dev.argondb.cli.roles.ServiceRole;
import dev.argondb.cli.roles.ServiceRoles;
import dev.argondb.cli.stack.ClusterSettings;
import dev.argondb.cli.stack.ClusterVertx;
import dev.argondb.observability.ProcessMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Runs one service role in this JVM, joined to the others over the Hazelcast-clustered event bus, until SIGTERM. */
@Command(name = "service", description = "Run one ArgonDB service (one role per JVM) until stopped.")
public final class ServiceCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceCommand.class);

  /** Picocli lists these in the help and rejects other role names. */
  static final class RoleNames implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return ServiceRoles.names().iterator();
    }
  }

  @Parameters(paramLabel = "ROLE", completionCandidates = RoleNames.class,
      description = "the service to run: ${COMPLETION-CANDIDATES}")
  String role;

  @Option(names = "--config", paramLabel = "FILE",
      description = "JSON config file (sections 'cluster' and one per role); ARGON_<SECTION>_<KEY> variables override it")
  Path config;

  @Option(names = "--print-config", description = "print the effective cluster and role sections, then exit")
  boolean printConfig;

  @Override
  public Integer call() throws Exception {
    ServiceRole<?, ?> selected = ServiceRoles.named(role).orElseThrow(() -> new CliException(
        "unknown role \"" + role + "\"; roles: " + String.join(", ", ServiceRoles.names())));
    ServiceConfigFile file;
    try {
      file = ServiceConfigFile.read(config, System.getenv());
    } catch (IllegalArgumentException e) {
      throw new CliException(e.getMessage());
    }
    return run(selected, file);
  }

  private <C, H> int run(ServiceRole<C, H> selected, ServiceConfigFile file) throws Exception {
    ClusterSettings cluster;
    C roleConfig;
    try {
      cluster = file.cluster();
      roleConfig = file.configOf(selected);
    } catch (IllegalArgumentException e) {
      throw new CliException(e.getMessage());
    }
    if (printConfig) {
      System.out.println(new JsonObject().put(ServiceConfigFile.CLUSTER_SECTION, cluster.toJson())
          .put(selected.name(), selected.toJson(roleConfig)).encodePrettily());
      return 0;
    }
    ProcessMetrics metrics = new ProcessMetrics();
    Vertx vertx = ClusterVertx.start(cluster, metrics).await();
    H handle;
    try {
      handle = selected.deploy(vertx, roleConfig, metrics.registry()).await();
    } catch (Exception e) {
      vertx.close().await();
      throw new CliException(selected.name() + " did not start: " + e.getMessage());
    }
    LOG.info("ArgonDB {} up in cluster {} as {}: {}", selected.name(), cluster.name(), cluster.host(),
        selected.describe(roleConfig, handle));
    CountDownLatch stopped = new CountDownLatch(1);
    // Vert.x installs no shutdown hook: without this, SIGTERM would skip undeploying (computes keep running).
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("Stopping ArgonDB {}", selected.name());
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get();
      } catch (Exception e) {
        LOG.warn("Closing Vert.x failed: {}", e.toString());
      }
      metrics.close();
      stopped.countDown();
    }, "argon-shutdown"));
    stopped.await();
    return 0;
  }
}
