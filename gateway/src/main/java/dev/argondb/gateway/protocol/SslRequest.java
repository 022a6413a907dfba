package dev.argondb.gateway.protocol;

import io.vertx.core.buffer.Buffer;

/**
 * The client asks for TLS. A gateway with a certificate answers {@code S} and upgrades the socket; one without
 * answers {@code N} and the client goes on in plain text (or gives up, with sslmode=require).
 */
public record SslRequest() implements StartupPacket {
  public static final int CODE = 80877103;
  public static final int LENGTH = 8;

  /** The single-byte answer that accepts TLS: the TLS handshake follows at once. */
  public static Buffer acceptance() {
    return Buffer.buffer(new byte[] {'S'});
  }

  /** The single-byte answer that refuses TLS; the client then sends another startup packet. */
  public static Buffer refusal() {
    return Buffer.buffer(new byte[] {'N'});
  }
}
