package dev.argondb.gateway.protocol;

import io.vertx.core.buffer.Buffer;

/**
 * A message after the startup packet, in either direction: a type byte, an int32 length (including
 * itself, not the type) and a body of length - 4 bytes.
 */
public record TypedMessage(byte type, Buffer body) {
  public static final int HEADER_LENGTH = 5;

  public static Buffer encode(byte type, Buffer body) {
    return Buffer.buffer(HEADER_LENGTH + body.length()).appendByte(type).appendInt(4 + body.length())
        .appendBuffer(body);
  }

  public Buffer encode() {
    return encode(type, body);
  }
}
