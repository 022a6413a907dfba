package dev.argondb.gateway.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackendStartupScannerTest {
  private static Buffer message(char type, Buffer body) {
    return Buffer.buffer().appendByte((byte) type).appendInt(4 + body.length()).appendBuffer(body);
  }

  /** What a Postgres server sends after a successful login, then the first bytes of a query result. */
  private static Buffer loginStream() {
    return Buffer.buffer()
        .appendBuffer(message('R', Buffer.buffer().appendInt(0)))
        .appendBuffer(message('S', Buffer.buffer().appendString("server_version\u000017.6\u0000")))
        .appendBuffer(message('K', Buffer.buffer().appendInt(31337).appendInt(0xCAFEBABE)))
        .appendBuffer(message('Z', Buffer.buffer().appendByte((byte) 'I')))
        .appendBuffer(message('K', Buffer.buffer().appendInt(1).appendInt(2))); // after Z: not looked at
  }

  @Test
  void findsTheKeyAndStopsAtReadyForQueryWhateverTheChunking() {
    Buffer stream = loginStream();
    for (int chunkSize = 1; chunkSize <= stream.length(); chunkSize++) {
      List<BackendKeyData> keys = new ArrayList<>();
      BackendStartupScanner scanner = new BackendStartupScanner(keys::add);
      for (int i = 0; i < stream.length(); i += chunkSize) {
        scanner.scan(stream.getBuffer(i, Math.min(stream.length(), i + chunkSize)));
      }
      assertEquals(List.of(new BackendKeyData(31337, 0xCAFEBABE)), keys, "chunk size " + chunkSize);
      assertTrue(scanner.done());
    }
  }

  @Test
  void skipsLargeBodiesWithoutCopying() {
    List<BackendKeyData> keys = new ArrayList<>();
    BackendStartupScanner scanner = new BackendStartupScanner(keys::add);
    scanner.scan(Buffer.buffer().appendByte((byte) 'N').appendInt(4 + 1_000_000));
    for (int i = 0; i < 100; i++) {
      scanner.scan(Buffer.buffer(new byte[10_000]));
    }
    assertFalse(scanner.done());
    scanner.scan(message('K', Buffer.buffer().appendInt(5).appendInt(6)));
    assertEquals(List.of(new BackendKeyData(5, 6)), keys);
  }

  @Test
  void givesUpOnNonsenseLengths() {
    BackendStartupScanner scanner = new BackendStartupScanner(key -> {});
    scanner.scan(Buffer.buffer().appendByte((byte) 'R').appendInt(2));
    assertTrue(scanner.done());
  }
}
