package dev.argondb.compute.agent;

import dev.argondb.bus.ComputeState;
import dev.argondb.pgruntime.PgProcess;

/**
 * What the agent knows about one endpoint's compute. Changed only on the agent's event loop; the
 * HTTP status route reads it from another thread, hence volatile.
 */
public final class RunningCompute {
  final String endpointId;
  final String endpointName;
  final String tenantId;
  final String timelineId;
  volatile ComputeState state = ComputeState.SUSPENDED;
  volatile PgProcess process;
  /** Where its WAL goes (null without safekeepers). */
  volatile dev.argondb.bus.WalSource wal;
  /** A hot standby pinned to an LSN: no role changes, no safekeepers. */
  volatile boolean readOnly;
  /** The private directory of its Unix socket, where the agent logs in (null while no process runs). */
  volatile java.nio.file.Path socketDir;
  /** Set while the agent itself stops the process, so its exit is not reported as a failure. */
  boolean stopRequested;

  RunningCompute(String endpointId, String endpointName, String tenantId, String timelineId) {
    this.endpointId = endpointId;
    this.endpointName = endpointName;
    this.tenantId = tenantId;
    this.timelineId = timelineId;
  }

  public String endpointId() {
    return endpointId;
  }

  public String endpointName() {
    return endpointName;
  }

  public String tenantId() {
    return tenantId;
  }

  public String timelineId() {
    return timelineId;
  }

  public ComputeState state() {
    return state;
  }

  /** The port while a process exists, else 0. */
  public int port() {
    PgProcess current = process;
    return current == null ? 0 : current.port();
  }

  boolean isRunning() {
    return state == ComputeState.RUNNING && process != null && process.isAlive();
  }
}
