package dev.argondb.gateway.protocol;

import io.vertx.core.buffer.Buffer;

/**
 * Sent on a fresh connection to cancel the query running on another one, identified by the
 * {@link BackendKeyData} that connection received. The server answers nothing and closes.
 */
public record CancelRequest(BackendKeyData key) implements StartupPacket {
  public static final int CODE = 80877102;
  /** Length of a cancel request with the 4-byte secret key of protocol 3.0. */
  public static final int LENGTH = 16;

  static CancelRequest parse(Buffer packet) throws ProtocolViolation {
    if (packet.length() != LENGTH) {
      throw new ProtocolViolation("invalid length of cancel request packet: " + packet.length());
    }
    return new CancelRequest(new BackendKeyData(packet.getInt(8), packet.getInt(12)));
  }

  public Buffer encode() {
    return Buffer.buffer(LENGTH).appendInt(LENGTH).appendInt(CODE)
        .appendInt(key.processId()).appendInt(key.secretKey());
  }
}
