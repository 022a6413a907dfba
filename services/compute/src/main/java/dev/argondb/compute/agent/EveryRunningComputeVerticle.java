package dev.argondb.compute.agent;

import dev.argondb.bus.ComputeState;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A periodic job over every running compute of the agent. A tick is skipped while the previous one still runs,
 * so a slow compute never piles up connections; a compute that suspends between the state check and the job
 * fails that one visit, and the next tick sees it suspended.
 */
abstract class EveryRunningComputeVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(EveryRunningComputeVerticle.class);

  final ComputeAgentVerticle agent;
  private final long intervalMillis;
  private long timer = -1;
  private boolean ticking;

  EveryRunningComputeVerticle(ComputeAgentVerticle agent, long intervalMillis) {
    this.agent = agent;
    this.intervalMillis = intervalMillis;
  }

  /** The job for one running compute. */
  abstract Future<?> visit(RunningCompute compute);

  /** Called instead of {@link #visit} for a compute that is not running. */
  void notRunning(RunningCompute compute) {
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
        notRunning(compute);
        continue;
      }
      visits.add(visit(compute).onFailure(failure -> LOG.debug("{} of endpoint {}: {}", getClass().getSimpleName(),
          compute.endpointName(), failure.getMessage())));
    }
    Future.join(visits).onComplete(done -> ticking = false);
  }
}
