package dev.argondb.compute.agent;

import io.vertx.core.Future;

/**
 * Reads every running compute's statistics periodically over the agent's own connection and hands them
 * to {@link PgStatsMetrics}.
 */
public final class PgStatsCollectorVerticle extends EveryRunningComputeVerticle {
  private final PgStatsMetrics metrics;

  public PgStatsCollectorVerticle(ComputeAgentVerticle agent, io.micrometer.core.instrument.MeterRegistry registry,
                                  long intervalMillis) {
    super(agent, intervalMillis);
    this.metrics = new PgStatsMetrics(registry);
  }

  @Override
  Future<?> visit(RunningCompute compute) {
    return agent.withAgentConnection(compute, PgStatsSample::read).onSuccess(sample -> metrics.record(compute, sample));
  }

  @Override
  void notRunning(RunningCompute compute) {
    metrics.notRunning(compute);
  }
}
