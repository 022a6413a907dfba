package dev.argondb.safekeeper.testing;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small TCP proxy for fault injection: relays bytes between clients and a target and can flip one
 * byte of what the target sends, at a chosen offset of the target-to-client stream.
 */
public final class FaultProxy implements AutoCloseable {
  private final Vertx vertx;
  private final NetServer server;
  private final AtomicLong serverBytes = new AtomicLong();
  private final AtomicLong corruptAt = new AtomicLong(-1);
  private final AtomicLong corrupted = new AtomicLong();

  private FaultProxy(Vertx vertx, NetServer server) {
    this.vertx = vertx;
    this.server = server;
  }

  public static FaultProxy start(Vertx vertx, String targetHost, int targetPort) {
    NetServer server = vertx.createNetServer();
    FaultProxy proxy = new FaultProxy(vertx, server);
    server.connectHandler(client -> proxy.relay(client, targetHost, targetPort));
    server.listen(0, "127.0.0.1").await();
    return proxy;
  }

  private void relay(NetSocket client, String host, int port) {
    client.pause();
    vertx.createNetClient().connect(port, host).onComplete(connected -> {
      if (connected.failed()) {
        client.close();
        return;
      }
      NetSocket target = connected.result();
      client.handler(target::write);
      target.handler(data -> client.write(maybeCorrupt(data)));
      client.closeHandler(v -> target.close());
      target.closeHandler(v -> client.close());
      client.resume();
    });
  }

  private Buffer maybeCorrupt(Buffer data) {
    long start = serverBytes.getAndAdd(data.length());
    long at = corruptAt.get();
    if (at >= start && at < start + data.length() && corruptAt.compareAndSet(at, -1)) {
      Buffer copy = data.copy();
      int index = (int) (at - start);
      copy.setByte(index, (byte) (copy.getByte(index) ^ 0x5A));
      corrupted.incrementAndGet();
      return copy;
    }
    return data;
  }

  public int port() {
    return server.actualPort();
  }

  /** Flips the byte {@code bytesFromNow} bytes ahead in the target-to-client stream. */
  public void corruptAfter(long bytesFromNow) {
    corruptAt.set(serverBytes.get() + bytesFromNow);
  }

  public long corruptedBytes() {
    return corrupted.get();
  }

  @Override
  public void close() {
    server.close().await();
  }
}
