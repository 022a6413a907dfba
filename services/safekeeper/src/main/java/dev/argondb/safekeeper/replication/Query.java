package dev.argondb.safekeeper.replication;

import io.vertx.core.buffer.Buffer;

/** Frontend message {@code Q}: a simple query; replication commands travel this way. */
final class Query {
  private Query() {}

  static final byte TYPE = 'Q';

  static Buffer encode(String sql) {
    return Wire.frame(TYPE, Wire.appendCString(Buffer.buffer(), sql));
  }
}
