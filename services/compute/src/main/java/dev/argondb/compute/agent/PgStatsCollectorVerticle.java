package dev.argondb.compute.agent;

import dev.argondb.bus.ComputeState;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every running compute's statistics periodically over the agent's own connection and hands them
 * to {@link PgStatsMetrics}. A tick is skipped while the previous one still runs, so a slow compute never
 * piles up connections.
 */
public final class PgStatsCollectorVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(PgStatsCollectorVerticle.class);

  private final ComputeAgentVerticle agent;
  private final PgStatsMetrics metrics;
  private final long intervalMillis;
  private long timer = -1;
  private boolean collecting;

  public PgStatsCollectorVerticle(ComputeAgentVerticle agent, io.micrometer.core.instrument.MeterRegistry registry,
                                  long intervalMillis) {
    this.agent = agent;
    this.metrics = new PgStatsMetrics(registry);
    this.intervalMillis = intervalMillis;
  }

  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(intervalMillis, tick -> collect());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  private void collect() {
    if (collecting) {
      return;
    }
    collecting = true;
    List<Future<?>> reads = new ArrayList<>();
    for (RunningCompute compute : agent.computes()) {
      if (compute.state() != ComputeState.RUNNING) {
        metrics.notRunning(compute);
        continue;
      }
      reads.add(agent.withAgentConnection(compute, PgStatsSample::read)
          .onSuccess(sample -> metrics.record(compute, sample))
          // A compute may suspend between the check and the query: the next tick sees it suspended.
          .onFailure(failure -> LOG.debug("No statistics from endpoint {}: {}", compute.endpointName(),
              failure.getMessage())));
    }
    Future.join(reads).onComplete(done -> collecting = false);
  }
}
