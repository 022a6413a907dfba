package dev.argondb.gateway.protocol;

import io.vertx.core.buffer.Buffer;

/** {@code R} code 0: the client is authenticated; the server's startup messages follow. */
public final class AuthenticationOk {
  private AuthenticationOk() {}

  public static final int CODE = 0;

  public static Buffer encode() {
    return Authentication.message(CODE, Buffer.buffer());
  }
}
