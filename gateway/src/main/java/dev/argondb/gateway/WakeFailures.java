package dev.argondb.gateway;

import dev.argondb.bus.BusErrors;
import dev.argondb.gateway.protocol.SqlState;
import io.vertx.core.eventbus.ReplyException;

/** Turns a failed wake request into the error a client sees; every message names the endpoint. */
final class WakeFailures {
  private WakeFailures() {}

  static SessionFailure describe(String endpoint, Throwable cause, long timeoutMillis) {
    String quoted = "\"" + endpoint + "\"";
    if (cause instanceof ReplyException reply) {
      switch (reply.failureType()) {
        case RECIPIENT_FAILURE:
          if (reply.failureCode() == BusErrors.NOT_FOUND) {
            return new SessionFailure(SqlState.INVALID_CATALOG_NAME, "endpoint " + quoted + " not found",
                ConnectionOutcome.UNKNOWN_ENDPOINT);
          }
          return wakeFailed("cannot wake endpoint " + quoted + ": " + reply.getMessage());
        case TIMEOUT:
          return wakeFailed("endpoint " + quoted + " did not wake within " + timeoutMillis + " ms");
        case NO_HANDLERS:
          return wakeFailed("cannot wake endpoint " + quoted + ": the control plane is not reachable");
        default:
          break;
      }
    }
    return wakeFailed("cannot wake endpoint " + quoted + ": " + cause.getMessage());
  }

  private static SessionFailure wakeFailed(String message) {
    return new SessionFailure(SqlState.CANNOT_CONNECT_NOW, message, ConnectionOutcome.WAKE_FAILED);
  }
}
