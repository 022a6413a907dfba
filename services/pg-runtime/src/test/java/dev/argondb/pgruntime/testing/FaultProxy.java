package dev.argondb.pgruntime.testing;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A small TCP proxy for fault injection: relays bytes between clients and a target. It can flip one byte of what
 * the target sends, at a chosen offset of the target-to-client stream, and it can hold what clients send once a
 * number of bytes went through, so a test acts while a request is surely in flight and not yet complete.
 */
public final class FaultProxy implements AutoCloseable {
  private final Vertx vertx;
  private final NetServer server;
  private final AtomicLong serverBytes = new AtomicLong();
  private final AtomicLong corruptAt = new AtomicLong(-1);
  private final AtomicLong corrupted = new AtomicLong();
  private final AtomicLong clientBytes = new AtomicLong();
  private final AtomicReference<Hold> hold = new AtomicReference<>();

  /** Client bytes past {@code atClientBytes} wait until the hold is released; {@code reached} fires once. */
  private record Hold(long atClientBytes, Promise<Void> reached) {
  }

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
      client.handler(data -> {
        target.write(data);
        holdIfDue(client, clientBytes.addAndGet(data.length()));
      });
      target.handler(data -> client.write(maybeCorrupt(data)));
      client.closeHandler(v -> target.close());
      target.closeHandler(v -> client.close());
      client.resume();
    });
  }

  private void holdIfDue(NetSocket client, long relayed) {
    Hold due = hold.get();
    if (due != null && relayed >= due.atClientBytes()) {
      client.pause(); // TCP back-pressure: the client's writes stall, its request stays incomplete
      due.reached().tryComplete();
    }
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

  /**
   * Stops relaying what clients send once {@code bytesFromNow} more bytes went through (a connection opened later
   * is held after its first chunk), until {@link #release}. The future completes when the hold took effect.
   */
  public Future<Void> holdClientsAfter(long bytesFromNow) {
    Hold next = new Hold(clientBytes.get() + bytesFromNow, Promise.promise());
    hold.set(next);
    return next.reached().future();
  }

  /** Ends a hold for connections opened from now on (held ones stay paused until they close). */
  public void release() {
    hold.set(null);
  }

  @Override
  public void close() {
    server.close().await();
  }
}
