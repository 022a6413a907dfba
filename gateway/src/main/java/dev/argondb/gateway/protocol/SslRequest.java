package dev.argondb.gateway.protocol;

import io.vertx.core.buffer.Buffer;

/** The client asks for TLS. This gateway answers {@code N} (no TLS) and the client goes on in plain text. */
public record SslRequest() implements StartupPacket {
  public static final int CODE = 80877103;
  public static final int LENGTH = 8;

  /** The single-byte answer that refuses TLS; the client then sends another startup packet. */
  public static Buffer refusal() {
    return Buffer.buffer(new byte[] {'N'});
  }
}
