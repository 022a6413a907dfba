package dev.argondb.gateway.protocol;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/** {@code R} code 11: a SASL challenge; for SCRAM the server-first-message. */
public final class AuthenticationSaslContinue {
  private AuthenticationSaslContinue() {}

  public static final int CODE = 11;

  public static Buffer encode(String data) {
    return Authentication.message(CODE, Buffer.buffer(data.getBytes(StandardCharsets.UTF_8)));
  }

  public static String data(Buffer body) {
    return new String(body.getBytes(4, body.length()), StandardCharsets.UTF_8);
  }
}
