package dev.argondb.compute.agent;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;

/** One periodic look at a running compute, over the agent's connection of {@link ComputeProbesVerticle}'s tick. */
interface ComputeProbe {
  Future<?> visit(RunningCompute compute, SqlConnection connection);

  /** Called instead of {@link #visit} on each tick while the compute is not running. */
  default void notRunning(RunningCompute compute) {
  }
}
