package dev.argondb.safekeeper.replication;

import io.netty.channel.Channel;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.UnixChannel;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes small messages straight into a replication socket with one {@code write(2)} from the calling
 * thread, as pg_receivewal answers from the thread that fsynced. {@code NetSocket.write} from a thread
 * other than the socket's event loop queues a task there and wakes it; on two saturated cores that
 * wake-up costs 0.1-0.3 ms before the status update leaves, and every commit waits for it.
 *
 * <p>It writes to a duplicate of the socket's descriptor, owned here and closed only by {@link #close()}
 * (under the caller's lock): the event loop may close its own descriptor at any time, and a write to a
 * closed number could land in whatever file reused it. The duplicate keeps the socket open until it is
 * closed too, so the owner closes it when the connection ends.
 *
 * <p>Only for the native (epoll) transport, and only where {@code java.base/sun.nio.ch} is open to this
 * code (the service jar's manifest opens it, as do the test and benchmark JVMs); {@link #open} returns
 * null otherwise and the caller writes through Vert.x. Not thread-safe: the caller serializes writes.
 */
final class DirectSocketWriter {
  private static final Logger LOG = LoggerFactory.getLogger(DirectSocketWriter.class);
  /** {@code sun.nio.ch.InheritedChannel.dup(int)}: the JDK's own dup(2), null when inaccessible. */
  private static final MethodHandle DUP = findDup();

  private final FileDescriptor fd;
  private final ByteBuffer out;
  private boolean closed;

  private DirectSocketWriter(FileDescriptor fd, int capacity) {
    this.fd = fd;
    this.out = ByteBuffer.allocateDirect(capacity);
  }

  /** A writer for {@code socket}'s connection, or null when the transport or the JDK does not allow one. */
  static DirectSocketWriter open(NetSocket socket, int capacity) {
    if (DUP == null || !(socket instanceof NetSocketInternal internal)) {
      return null;
    }
    Channel channel = internal.channelHandlerContext().channel();
    if (!(channel instanceof UnixChannel unix) || !channel.isOpen()) {
      return null;
    }
    try {
      int copy = (int) DUP.invokeExact(unix.fd().intValue());
      return new DirectSocketWriter(new FileDescriptor(copy), capacity);
    } catch (Throwable e) {
      LOG.debug("cannot duplicate the replication socket: {}", e.toString());
      return null;
    }
  }

  /**
   * Writes {@code message} (at most the capacity) without blocking and returns how many bytes the
   * socket took: all of them unless its send buffer is full (the peer stopped reading). The caller
   * sends the rest, and everything after it, through Vert.x, which keeps the bytes in order.
   *
   * @throws IOException when the connection is broken or this writer was closed
   */
  int write(Buffer message) throws IOException {
    if (closed) {
      throw new IOException("direct socket writer closed");
    }
    out.clear();
    out.put(message.getBytes());
    out.flip();
    return fd.write(out, 0, out.limit());
  }

  void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      fd.close();
    } catch (IOException e) {
      LOG.debug("closing the replication socket's duplicate: {}", e.toString());
    }
  }

  private static MethodHandle findDup() {
    try {
      Method dup = Class.forName("sun.nio.ch.InheritedChannel").getDeclaredMethod("dup", int.class);
      dup.setAccessible(true);
      return MethodHandles.lookup().unreflect(dup);
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.info("status updates go through the event loop: dup(2) not accessible ({})", e.toString());
      return null;
    }
  }
}
