package dev.argondb.gateway;

import dev.argondb.gateway.protocol.ErrorResponse;
import io.vertx.core.buffer.Buffer;

/** Why the gateway turns a connection away: the FATAL error the client sees and the metric outcome. */
record SessionFailure(String sqlState, String message, ConnectionOutcome outcome) {
  Buffer errorResponse() {
    return ErrorResponse.fatal(sqlState, message);
  }
}
