package dev.argondb.gateway.protocol;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * Client message {@code p} answering {@link AuthenticationCleartextPassword}: the password, NUL-terminated.
 * The value is held only until it is hashed; {@link #toString()} never shows it.
 */
public final class PasswordMessage {
  public static final byte TYPE = 'p';

  private final String password;

  private PasswordMessage(String password) {
    this.password = password;
  }

  public static PasswordMessage parse(Buffer body) throws ProtocolViolation {
    if (body.length() == 0 || body.getByte(body.length() - 1) != 0) {
      throw new ProtocolViolation("malformed password packet");
    }
    for (int i = 0; i < body.length() - 1; i++) {
      if (body.getByte(i) == 0) {
        throw new ProtocolViolation("malformed password packet");
      }
    }
    return new PasswordMessage(new String(body.getBytes(0, body.length() - 1), StandardCharsets.UTF_8));
  }

  public String password() {
    return password;
  }

  @Override
  public String toString() {
    return "PasswordMessage[***]";
  }
}
