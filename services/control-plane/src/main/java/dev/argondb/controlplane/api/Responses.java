package dev.argondb.controlplane.api;

import dev.argondb.controlplane.ControlPlaneError;
import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes JSON replies, and turns every failure into {@code {"error": "..."}} with the right status. */
final class Responses {
  private static final Logger LOG = LoggerFactory.getLogger(Responses.class);

  private Responses() {}

  static <T> void reply(RoutingContext rc, int status, Future<T> result, Function<T, JsonObject> view) {
    result.onSuccess(value -> json(rc, status, view.apply(value))).onFailure(rc::fail);
  }

  static void noContent(RoutingContext rc, Future<?> result) {
    result.onSuccess(done -> rc.response().setStatusCode(204).end()).onFailure(rc::fail);
  }

  static void json(RoutingContext rc, int status, JsonObject body) {
    if (!rc.response().ended()) {
      rc.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
    }
  }

  /** Failure handler for /v1: a client error carries its message; anything else is logged and hidden. */
  static void failure(RoutingContext rc) {
    Throwable failure = unwrapBusFailure(rc.failure());
    if (failure instanceof ControlPlaneError error) {
      json(rc, error.status(), error(error.getMessage()));
    } else if (failure == null) {
      // Failed by Vert.x Web itself with a status, e.g. 413 from the body handler.
      int status = rc.statusCode() > 0 ? rc.statusCode() : 500;
      json(rc, status, error(status == 413 ? "request body is too large" : "request failed with status " + status));
    } else {
      LOG.error("{} {} failed", rc.request().method(), rc.request().path(), failure);
      json(rc, 500, error("internal error"));
    }
  }

  /** Not-found and method-not-allowed answers in the same JSON form. */
  static void noRoute(RoutingContext rc, int status) {
    String what = status == 405 ? "method not allowed: " : "no such route: ";
    json(rc, status, error(what + rc.request().method() + " " + rc.request().path()));
  }

  static JsonObject error(String message) {
    return new JsonObject().put("error", message);
  }

  /** A bus reply failure becomes the control-plane error it stands for. */
  private static Throwable unwrapBusFailure(Throwable failure) {
    if (failure instanceof ReplyException reply) {
      if (reply.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
        return ControlPlaneError.withStatus(reply.failureCode(), reply.getMessage());
      }
      return ControlPlaneError.unavailable(reply.getMessage());
    }
    return failure;
  }
}
