package dev.argondb.safekeeper.replication;

import io.vertx.core.buffer.Buffer;

/** Message {@code d} in both directions; during replication its first byte tells XLogData, keepalive or reply apart. */
final class CopyData {
  private CopyData() {}

  static final byte TYPE = 'd';

  static Buffer encode(Buffer payload) {
    return Wire.frame(TYPE, payload);
  }
}
