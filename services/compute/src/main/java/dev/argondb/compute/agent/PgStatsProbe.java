package dev.argondb.compute.agent;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;

/** Reads a running compute's statistics ({@link PgStatsSample}) and hands them to {@link PgStatsMetrics}. */
final class PgStatsProbe implements ComputeProbe {
  private final PgStatsMetrics metrics;

  PgStatsProbe(PgStatsMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public Future<?> visit(RunningCompute compute, SqlConnection connection) {
    return PgStatsSample.read(connection).onSuccess(sample -> metrics.record(compute, sample));
  }

  @Override
  public void notRunning(RunningCompute compute) {
    metrics.notRunning(compute);
  }
}
