package dev.argondb.controlplane;

import dev.argondb.bus.ComputeStopped;
import dev.argondb.bus.StopCompute;

/**
 * Event-bus addresses used only inside one control plane (local consumers), between its verticles.
 * The public addresses are in {@link dev.argondb.bus.BusAddresses}.
 */
public final class ControlPlaneAddresses {
  private ControlPlaneAddresses() {}

  /**
   * Request {@link StopCompute} (onlyIfIdle = idle policy, otherwise an API stop), reply
   * {@link ComputeStopped}. Served by the endpoint lifecycle verticle, which serializes suspends with wakes.
   */
  public static final String ENDPOINT_SUSPEND = "argon.control-plane.internal.endpoint.suspend";

  /**
   * Request: endpoint id (a String); reply {@link ComputeStopped}. Stops the endpoint's compute, then deletes
   * the endpoint, in line with its other operations (a wake queued behind it finds it gone).
   */
  public static final String ENDPOINT_DELETE = "argon.control-plane.internal.endpoint.delete";

  /** Published endpoint name (a String) whenever a wake is answered: a wake is activity for the idle policy. */
  public static final String ENDPOINT_WOKEN = "argon.control-plane.internal.endpoint.woken";
}
