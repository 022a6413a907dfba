package dev.argondb.gateway;

import dev.argondb.gateway.protocol.ErrorResponse;
import io.vertx.core.buffer.Buffer;

/**
 * Why the gateway turns a connection away: the FATAL error the client sees and the metric outcome. When the
 * compute itself refused, {@code computeError} holds its ErrorResponse, forwarded as it was.
 */
record SessionFailure(String sqlState, String message, ConnectionOutcome outcome, Buffer computeError) {
  SessionFailure(String sqlState, String message, ConnectionOutcome outcome) {
    this(sqlState, message, outcome, null);
  }

  Buffer errorResponse() {
    return computeError != null ? computeError : ErrorResponse.fatal(sqlState, message);
  }
}
