package dev.argondb.pageserver;

import dev.argondb.bus.BusErrors;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a pageserver bus request with the result of its work: the result, a refusal ({@link PageserverException})
 * with its code and message, else an internal error.
 */
public final class BusReplies {
  private static final Logger LOG = LoggerFactory.getLogger(BusReplies.class);

  private BusReplies() {}

  public static <T> void reply(Message<T> message, Future<?> work) {
    work.onComplete(result -> {
      if (result.succeeded()) {
        message.reply(result.result());
        return;
      }
      Throwable failure = result.cause();
      if (failure instanceof PageserverException refused) {
        LOG.info("Pageserver refused {}: {}", message.body(), refused.getMessage());
        message.fail(refused.code(), refused.getMessage());
      } else {
        LOG.warn("Pageserver failed {}", message.body(), failure);
        message.fail(BusErrors.INTERNAL, String.valueOf(failure.getMessage()));
      }
    });
  }
}
