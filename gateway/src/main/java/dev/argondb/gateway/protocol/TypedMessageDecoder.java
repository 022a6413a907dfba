package dev.argondb.gateway.protocol;

import io.vertx.core.buffer.Buffer;

/**
 * Frames {@link TypedMessage}s from a byte stream. A declared length above the limit is refused as soon
 * as the header arrives, so a peer cannot make the gateway buffer more than one bounded message.
 */
public final class TypedMessageDecoder {
  private final int maxMessageBytes;
  private Buffer pending = Buffer.buffer();

  /** @param maxMessageBytes largest accepted message, header included */
  public TypedMessageDecoder(int maxMessageBytes) {
    this.maxMessageBytes = maxMessageBytes;
  }

  public void append(Buffer chunk) {
    pending.appendBuffer(chunk);
  }

  /** The next complete message, or null when more bytes are needed. */
  public TypedMessage next() throws ProtocolViolation {
    if (pending.length() < TypedMessage.HEADER_LENGTH) {
      return null;
    }
    int length = pending.getInt(1);
    if (length < 4 || length > maxMessageBytes - 1) {
      throw new ProtocolViolation("invalid message length " + Integer.toUnsignedString(length) + " for message type "
          + printable(pending.getByte(0)));
    }
    int total = 1 + length;
    if (pending.length() < total) {
      return null;
    }
    TypedMessage message = new TypedMessage(pending.getByte(0), pending.getBuffer(TypedMessage.HEADER_LENGTH, total));
    pending = pending.getBuffer(total, pending.length());
    return message;
  }

  /** Bytes after the last returned message. */
  public Buffer takeRemaining() {
    Buffer rest = pending;
    pending = Buffer.buffer();
    return rest;
  }

  /** The type byte of the next message as soon as it arrived (before its length and body), or -1. */
  public int peekType() {
    return pending.length() == 0 ? -1 : pending.getByte(0) & 0xFF;
  }

  public boolean hasRemaining() {
    return pending.length() > 0;
  }

  static String printable(byte type) {
    return type >= 0x21 && type < 0x7F ? "'" + (char) type + "'" : "0x" + Integer.toHexString(type & 0xFF);
  }
}
