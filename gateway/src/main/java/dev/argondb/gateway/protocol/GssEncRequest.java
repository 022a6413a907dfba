package dev.argondb.gateway.protocol;

import io.vertx.core.buffer.Buffer;

/** The client asks for GSSAPI encryption; refused with {@code N} like Postgres built without GSSAPI. */
public record GssEncRequest() implements StartupPacket {
  public static final int CODE = 80877104;
  public static final int LENGTH = 8;

  public static Buffer refusal() {
    return Buffer.buffer(new byte[] {'N'});
  }
}
