package dev.argondb.controlplane;

import dev.argondb.bus.BusErrors;

/**
 * A failure the caller caused or can act on, with the status it maps to: the HTTP status in the REST
 * API and the failure code of an event-bus reply (the {@link BusErrors} codes are HTTP statuses too).
 */
public final class ControlPlaneError extends RuntimeException {
  private final int status;

  private ControlPlaneError(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  public static ControlPlaneError badRequest(String message) {
    return new ControlPlaneError(BusErrors.BAD_REQUEST, message);
  }

  public static ControlPlaneError notFound(String message) {
    return new ControlPlaneError(BusErrors.NOT_FOUND, message);
  }

  public static ControlPlaneError conflict(String message) {
    return new ControlPlaneError(BusErrors.CONFLICT, message);
  }

  public static ControlPlaneError unavailable(String message) {
    return new ControlPlaneError(BusErrors.UNAVAILABLE, message);
  }

  public static ControlPlaneError withStatus(int status, String message) {
    return new ControlPlaneError(status, message);
  }

  public int status() {
    return status;
  }
}
