package dev.argondb.gateway.protocol;

import io.vertx.core.buffer.Buffer;

/**
 * Finds message boundaries in a relayed byte stream without buffering it: the relay forwards every chunk as it
 * is, and this reports each message's type (and first body byte, e.g. ReadyForQuery's transaction status) as it
 * passes. Bodies are skipped by count, so a large result costs nothing. Not thread-safe: one stream, one loop.
 */
public final class MessageFramer {
  /** Sees each message once its header and (for a non-empty body) its first body byte have passed. */
  public interface Listener {
    /**
     * @param headerOffset where the message starts in the current chunk; negative when it started in an earlier one
     * @param bodyLength   the body's length in bytes
     * @param firstByte    the first body byte, or -1 for an empty body
     */
    void onMessage(byte type, int headerOffset, int bodyLength, int firstByte);
  }

  private final byte[] header = new byte[TypedMessage.HEADER_LENGTH];
  private int headerFill;
  private int headerOffset;
  private byte type;
  private int bodyLength;
  private long bodyRemaining;
  private boolean reportPending;
  private boolean lost;

  /** Reports the messages of {@code chunk}; after a malformed length it stops (see {@link #lost()}). */
  public void feed(Buffer chunk, Listener listener) {
    int length = chunk.length();
    int pos = 0;
    while (pos < length && !lost) {
      if (bodyRemaining > 0) {
        if (reportPending) {
          reportPending = false;
          listener.onMessage(type, headerOffset, bodyLength, chunk.getByte(pos) & 0xFF);
        }
        int skip = (int) Math.min(bodyRemaining, length - pos);
        pos += skip;
        bodyRemaining -= skip;
        continue;
      }
      if (headerFill == 0) {
        headerOffset = pos;
      }
      header[headerFill++] = chunk.getByte(pos++);
      if (headerFill == TypedMessage.HEADER_LENGTH) {
        headerFill = 0;
        type = header[0];
        int declared = ((header[1] & 0xFF) << 24) | ((header[2] & 0xFF) << 16) | ((header[3] & 0xFF) << 8)
            | (header[4] & 0xFF);
        if (declared < 4) {
          lost = true; // not a message stream any more: whoever reads it will refuse it, we just stop tracking
          return;
        }
        bodyLength = declared - 4;
        bodyRemaining = bodyLength;
        if (bodyLength == 0) {
          listener.onMessage(type, headerOffset, 0, -1);
        } else {
          reportPending = true;
        }
      }
    }
    headerOffset -= length;
  }

  /** True between messages: nothing of a message has been seen without its end. */
  public boolean atBoundary() {
    return !lost && headerFill == 0 && bodyRemaining == 0;
  }

  /** True once a malformed length was seen; nothing is reported after that. */
  public boolean lost() {
    return lost;
  }
}
