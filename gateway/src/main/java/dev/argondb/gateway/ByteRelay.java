package dev.argondb.gateway;

import io.micrometer.core.instrument.Counter;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;

/**
 * Copies one direction of a proxied connection with back-pressure: when the destination's write
 * queue fills up, the source is paused until it drains, so a slow reader never makes the gateway
 * buffer without bound.
 */
final class ByteRelay {
  private ByteRelay() {}

  /** @param observer sees every chunk before it is forwarded unchanged; may be null */
  static void start(NetSocket from, NetSocket to, Counter bytes, Handler<Buffer> observer) {
    from.handler(chunk -> {
      if (observer != null) {
        observer.handle(chunk);
      }
      bytes.increment(chunk.length());
      to.write(chunk);
      if (to.writeQueueFull()) {
        from.pause();
        to.drainHandler(drained -> from.resume());
      }
    });
  }
}
