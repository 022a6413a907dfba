package dev.argondb.pageserver.gc;

import dev.argondb.bus.BusErrors;
import dev.argondb.pageserver.PageserverException;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Answers a bus request with the result of its work: a refusal with its code and message, else 500. */
final class GcReplies {
  private static final Logger LOG = LoggerFactory.getLogger(GcReplies.class);

  private GcReplies() {}

  static <T> void reply(Message<T> message, Future<?> work) {
    work.onComplete(result -> {
      if (result.succeeded()) {
        message.reply(result.result());
        return;
      }
      Throwable failure = result.cause();
      if (failure instanceof PageserverException refused) {
        message.fail(refused.code(), refused.getMessage());
      } else {
        LOG.warn("Request {} failed", message.body(), failure);
        message.fail(BusErrors.INTERNAL, String.valueOf(failure.getMessage()));
      }
    });
  }
}
