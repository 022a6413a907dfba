package dev.argondb.safekeeper.replication;

import io.vertx.core.buffer.Buffer;

/** Frontend message {@code X}: orderly goodbye, so the server logs no "unexpected EOF". */
final class Terminate {
  private Terminate() {}

  static final byte TYPE = 'X';

  static Buffer encode() {
    return Wire.frame(TYPE, Buffer.buffer());
  }
}
