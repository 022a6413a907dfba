package dev.argondb.safekeeper.replication;

import io.vertx.core.buffer.Buffer;

/** CopyData payload {@code w}: WAL bytes starting at walStart; walEnd is the server's flushed end. */
record XLogData(long walStart, long walEnd, long sendTime, Buffer data) {
  static final byte TYPE = 'w';
  /** Type byte, then int64 walStart, walEnd and sendTime. */
  static final int HEADER_LENGTH = 1 + 8 + 8 + 8;

  static XLogData parse(Buffer payload) {
    return new XLogData(payload.getLong(1), payload.getLong(9), payload.getLong(17),
        payload.slice(HEADER_LENGTH, payload.length()));
  }
}
