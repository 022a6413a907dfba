package dev.argondb.pageserver;

import dev.argondb.bus.BusErrors;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends a pageserver gRPC call that failed: a refusal ({@link PageserverException}) with the status of its code and
 * its message, anything else as INTERNAL (logged: that is a bug or a broken disk, not a bad request).
 */
public final class GrpcRefusals {
  private static final Logger LOG = LoggerFactory.getLogger(GrpcRefusals.class);

  private GrpcRefusals() {}

  public static GrpcStatus status(Throwable failure) {
    if (failure instanceof PageserverException e) {
      return switch (e.code()) {
        case BusErrors.NOT_FOUND -> GrpcStatus.NOT_FOUND;
        case BusErrors.BAD_REQUEST -> GrpcStatus.INVALID_ARGUMENT;
        case PageserverException.OUT_OF_RANGE -> GrpcStatus.OUT_OF_RANGE;
        default -> GrpcStatus.INTERNAL;
      };
    }
    return GrpcStatus.INTERNAL;
  }

  /** Ends {@code response} with the status and message of {@code failure}; {@code call} names it in the log. */
  public static void refuse(GrpcServerResponse<?, ?> response, Throwable failure, String call) {
    if (!(failure instanceof PageserverException)) {
      LOG.warn("{} failed", call, failure);
    }
    try {
      response.status(status(failure)).statusMessage(String.valueOf(failure.getMessage())).end();
    } catch (IllegalStateException alreadyEnded) {
      // the stream is gone; nothing to tell
    }
  }
}
