package dev.argondb.safekeeper.replication;

import io.vertx.core.buffer.Buffer;

/** Message {@code c} in both directions: the sender ends its half of the copy (timeline end, shutdown). */
final class CopyDone {
  private CopyDone() {}

  static final byte TYPE = 'c';

  static Buffer encode() {
    return Wire.frame(TYPE, Buffer.buffer());
  }
}
