package dev.argondb.bus;

import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;

/** Typed request/reply over the event bus. */
public final class Bus {
  private Bus() {}

  public static <R> Future<R> request(EventBus bus, String address, Object request, Class<R> replyType,
                                      long timeoutMillis) {
    return bus.<R>request(address, request, new DeliveryOptions().setSendTimeout(timeoutMillis))
        .map(Message::body)
        .map(replyType::cast);
  }
}
