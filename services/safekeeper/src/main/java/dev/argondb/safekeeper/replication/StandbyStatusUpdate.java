package dev.argondb.safekeeper.replication;

import io.vertx.core.buffer.Buffer;

/**
 * CopyData payload {@code r}: the standby's written, flushed and applied LSNs. The flush position is
 * what releases synchronous-replication waiters and advances a physical slot.
 */
final class StandbyStatusUpdate {
  private StandbyStatusUpdate() {}

  static final byte TYPE = 'r';
  static final int LENGTH = 1 + 8 + 8 + 8 + 8 + 1;
  /** The whole CopyData message: type byte, int32 length, payload. */
  static final int MESSAGE_LENGTH = 1 + 4 + LENGTH;

  static Buffer encode(long write, long flush, long apply, long clock, boolean replyRequested) {
    Buffer payload = Buffer.buffer(LENGTH).appendByte(TYPE).appendLong(write).appendLong(flush)
        .appendLong(apply).appendLong(clock).appendByte((byte) (replyRequested ? 1 : 0));
    return CopyData.encode(payload);
  }
}
