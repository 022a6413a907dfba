package dev.argondb.safekeeper.replication;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/** Encoding helpers shared by the message classes: typed frames and NUL-terminated strings. */
final class Wire {
  private Wire() {}

  /** A typed message is the type byte, an int32 length that counts itself, then the body. */
  static final int HEADER_LENGTH = 5;
  private static final int LENGTH_FIELD = 4;

  static Buffer frame(byte type, Buffer body) {
    return Buffer.buffer(HEADER_LENGTH + body.length()).appendByte(type)
        .appendInt(LENGTH_FIELD + body.length()).appendBuffer(body);
  }

  static Buffer appendCString(Buffer buffer, String value) {
    return buffer.appendBytes(value.getBytes(StandardCharsets.UTF_8)).appendByte((byte) 0);
  }

  /** Index of the NUL that ends the string starting at {@code from}, or -1. */
  static int nul(Buffer buffer, int from) {
    for (int i = from; i < buffer.length(); i++) {
      if (buffer.getByte(i) == 0) {
        return i;
      }
    }
    return -1;
  }

  static String cString(Buffer buffer, int from, int nul) {
    return buffer.getString(from, nul, StandardCharsets.UTF_8.name());
  }
}
