package dev.argondb.gateway.protocol;

import io.vertx.core.buffer.Buffer;

/**
 * Server message {@code R}: every authentication request and result shares this type and is told apart by
 * the int32 code that starts its body. The classes named Authentication* build and read one code each.
 */
public final class Authentication {
  private Authentication() {}

  public static final byte TYPE = 'R';

  /** The code of an {@code R} message body. */
  public static int code(Buffer body) throws ProtocolViolation {
    if (body.length() < 4) {
      throw new ProtocolViolation("authentication message without a code");
    }
    return body.getInt(0);
  }

  static Buffer message(int code, Buffer rest) {
    return TypedMessage.encode(TYPE, Buffer.buffer(4 + rest.length()).appendInt(code).appendBuffer(rest));
  }
}
