package dev.argondb.safekeeper.replication;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Cases a real Postgres does not produce on demand: MD5 requests, bytes in tiny chunks, a bare socket close. */
class ScriptedServerTest {
  private Vertx vertx;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() {
    vertx.close().await();
  }

  @Test
  void md5IsRefusedClearly() throws Exception {
    int port = serve(socket -> socket.handler(startup -> socket.write(
        Wire.frame(Authentication.TYPE, Buffer.buffer().appendInt(Authentication.MD5_PASSWORD).appendInt(42)))));
    Throwable cause = failure(ReplicationClient.connect(vertx, options(port)));
    assertInstanceOf(ReplicationException.class, cause);
    assertTrue(cause.getMessage().contains("MD5"), cause.getMessage());
  }

  @Test
  void framesSplitIntoSingleBytesAndABareCloseEndTheStream() throws Exception {
    byte[] walBytes = {1, 2, 3, 4, 5};
    int port = serve(socket -> socket.handler(in -> {
      if (in.getInt(4) == StartupMessage.PROTOCOL_3_0) {
        socket.write(Wire.frame(Authentication.TYPE, Buffer.buffer().appendInt(Authentication.OK)));
        socket.write(Wire.frame(ReadyForQuery.TYPE, Buffer.buffer("I")));
        return;
      }
      Buffer out = Wire.frame(CopyBothResponse.TYPE, Buffer.buffer().appendByte((byte) 0).appendShort((short) 0))
          .appendBuffer(CopyData.encode(Buffer.buffer().appendByte(XLogData.TYPE).appendLong(0x1000L)
              .appendLong(0x1005L).appendLong(0L).appendBytes(walBytes)));
      for (int i = 0; i < out.length(); i++) {
        socket.write(out.getBuffer(i, i + 1));
      }
      socket.close();
    }));
    ReplicationConnection conn = await(ReplicationClient.connect(vertx, options(port)));
    WalCollector wal = new WalCollector();
    await(conn.startPhysical(null, 0x1000L, wal));
    Throwable cause = failure(conn.closed());
    assertTrue(cause.getMessage().startsWith("connection closed by server"), cause.getMessage());
    assertEquals(0x1005L, wal.end());
    assertArrayEquals(walBytes, wal.range(0x1000L, 0x1005L));
  }

  private int serve(Consumer<NetSocket> script) throws Exception {
    NetServer server = vertx.createNetServer().connectHandler(script::accept);
    return await(server.listen(0, "127.0.0.1")).actualPort();
  }

  private static ReplicationConnectOptions options(int port) {
    return new ReplicationConnectOptions("127.0.0.1", port, "u", "p", "sk1", Duration.ofSeconds(5));
  }

  private static <T> T await(Future<T> future) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  private static Throwable failure(Future<?> future) throws Exception {
    try {
      future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("expected a failure");
  }
}
