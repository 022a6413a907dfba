package dev.argondb.gateway.protocol;

import io.vertx.core.buffer.Buffer;

/**
 * Frames the untyped packets of the startup phase from a client's byte stream. Buffers at most one
 * packet, whose declared length is checked as soon as its first four bytes arrive, so garbage and
 * oversized lengths are refused without waiting for (or storing) the bytes they announce.
 */
public final class StartupPacketDecoder {
  /** The length word and the code word. */
  public static final int MIN_PACKET_LENGTH = 8;

  private final int maxPacketBytes;
  private Buffer pending = Buffer.buffer();

  /** @param maxPacketBytes largest accepted packet, as Postgres's MAX_STARTUP_PACKET_LENGTH (10000) */
  public StartupPacketDecoder(int maxPacketBytes) {
    this.maxPacketBytes = maxPacketBytes;
  }

  public void append(Buffer chunk) {
    pending.appendBuffer(chunk);
  }

  /** The next complete packet, or null when more bytes are needed. */
  public StartupPacket next() throws ProtocolViolation {
    if (pending.length() < 4) {
      return null;
    }
    int length = pending.getInt(0);
    if (length < MIN_PACKET_LENGTH || length > maxPacketBytes) {
      throw new ProtocolViolation("invalid length of startup packet: " + Integer.toUnsignedString(length));
    }
    if (pending.length() < length) {
      return null;
    }
    Buffer packet = pending.getBuffer(0, length);
    pending = pending.getBuffer(length, pending.length());
    return decode(packet);
  }

  /** Bytes received after the last returned packet; a pipelining client's first protocol messages. */
  public Buffer takeRemaining() {
    Buffer rest = pending;
    pending = Buffer.buffer();
    return rest;
  }

  public boolean hasRemaining() {
    return pending.length() > 0;
  }

  private static StartupPacket decode(Buffer packet) throws ProtocolViolation {
    int code = packet.getInt(4);
    switch (code) {
      case SslRequest.CODE:
        requireLength(packet, SslRequest.LENGTH, "SSL request");
        return new SslRequest();
      case GssEncRequest.CODE:
        requireLength(packet, GssEncRequest.LENGTH, "GSSAPI encryption request");
        return new GssEncRequest();
      case CancelRequest.CODE:
        return CancelRequest.parse(packet);
      default:
        if (StartupMessage.majorVersion(code) != StartupMessage.MAJOR_VERSION_3) {
          // Minor versions above 0 are forwarded: the compute answers NegotiateProtocolVersion itself.
          throw new ProtocolViolation("unsupported frontend protocol " + StartupMessage.majorVersion(code) + "."
              + StartupMessage.minorVersion(code) + ": server supports 3.0 to 3.0");
        }
        return StartupMessage.parse(packet);
    }
  }

  private static void requireLength(Buffer packet, int expected, String what) throws ProtocolViolation {
    if (packet.length() != expected) {
      throw new ProtocolViolation("invalid length of " + what + " packet: " + packet.length());
    }
  }
}
