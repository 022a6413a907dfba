package dev.argondb.gateway.protocol;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/** {@code R} code 12: the SASL outcome data; for SCRAM the server-final-message proving the server knew the verifier. */
public final class AuthenticationSaslFinal {
  private AuthenticationSaslFinal() {}

  public static final int CODE = 12;

  public static Buffer encode(String data) {
    return Authentication.message(CODE, Buffer.buffer(data.getBytes(StandardCharsets.UTF_8)));
  }

  public static String data(Buffer body) {
    return new String(body.getBytes(4, body.length()), StandardCharsets.UTF_8);
  }
}
