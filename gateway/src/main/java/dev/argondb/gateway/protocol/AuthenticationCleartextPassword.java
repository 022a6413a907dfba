package dev.argondb.gateway.protocol;

import io.vertx.core.buffer.Buffer;

/**
 * {@code R} code 3: asks for the password itself. The gateway asks only over TLS or loopback, and only
 * when the client could not name its endpoint otherwise (the {@code endpoint=<name>;<password>} form).
 */
public final class AuthenticationCleartextPassword {
  private AuthenticationCleartextPassword() {}

  public static final int CODE = 3;

  public static Buffer encode() {
    return Authentication.message(CODE, Buffer.buffer());
  }
}
