package dev.argondb.compute.agent;

import dev.argondb.bus.ComputeState;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the agent's {@link ComputeProbe}s on every running compute periodically, all of them over one agent
 * connection per compute and tick (each connection is a forked Postgres backend). A tick is skipped while the
 * previous one still runs, so a slow compute never piles up connections; a compute that suspends between the
 * state check and the probes fails that one visit, and the next tick sees it suspended. A failing probe does not
 * keep the others from running.
 */
public final class ComputeProbesVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ComputeProbesVerticle.class);

  private final ComputeAgentVerticle agent;
  private final long intervalMillis;
  private final List<ComputeProbe> probes;
  private long timer = -1;
  private boolean ticking;

  ComputeProbesVerticle(ComputeAgentVerticle agent, long intervalMillis, List<ComputeProbe> probes) {
    this.agent = agent;
    this.intervalMillis = intervalMillis;
    this.probes = List.copyOf(probes);
  }

  /** Statistics for the metrics ({@link PgStatsProbe}) and the checkpoint of a quiet compute ({@link QuietCheckpoint}). */
  public static ComputeProbesVerticle standard(ComputeAgentVerticle agent, MeterRegistry registry, long intervalMillis) {
    return new ComputeProbesVerticle(agent, intervalMillis,
        List.of(new PgStatsProbe(new PgStatsMetrics(registry)), new QuietCheckpoint()));
  }

  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(intervalMillis, tick -> tick());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  private void tick() {
    if (ticking) {
      return;
    }
    ticking = true;
    List<Future<?>> visits = new ArrayList<>();
    for (RunningCompute compute : agent.computes()) {
      if (compute.state() != ComputeState.RUNNING) {
        probes.forEach(probe -> probe.notRunning(compute));
        continue;
      }
      visits.add(agent.withAgentConnection(compute, connection -> visitAll(compute, connection))
          .onFailure(failure -> LOG.debug("No probe of endpoint {}: {}", compute.endpointName(), failure.getMessage())));
    }
    Future.join(visits).onComplete(done -> ticking = false);
  }

  /** The probes one after the other on the one connection. */
  private Future<Void> visitAll(RunningCompute compute, SqlConnection connection) {
    Future<Void> chain = Future.succeededFuture();
    for (ComputeProbe probe : probes) {
      chain = chain.transform(previous -> probe.visit(compute, connection)
          .onFailure(failure -> LOG.debug("{} of endpoint {}: {}", probe.getClass().getSimpleName(),
              compute.endpointName(), failure.getMessage()))
          .otherwiseEmpty().mapEmpty());
    }
    return chain;
  }
}
