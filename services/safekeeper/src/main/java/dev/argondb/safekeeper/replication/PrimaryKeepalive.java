package dev.argondb.safekeeper.replication;

import io.vertx.core.buffer.Buffer;

/** CopyData payload {@code k}: the server's WAL end and whether it wants a status update now. */
record PrimaryKeepalive(long walEnd, long sendTime, boolean replyRequested) {
  static final byte TYPE = 'k';
  static final int LENGTH = 1 + 8 + 8 + 1;

  static PrimaryKeepalive parse(Buffer payload) {
    return new PrimaryKeepalive(payload.getLong(1), payload.getLong(9), payload.getByte(17) != 0);
  }
}
