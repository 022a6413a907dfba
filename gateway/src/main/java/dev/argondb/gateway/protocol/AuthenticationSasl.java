package dev.argondb.gateway.protocol;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** {@code R} code 10: SASL authentication with one of the listed mechanisms (NUL-terminated, then an empty one). */
public final class AuthenticationSasl {
  private AuthenticationSasl() {}

  public static final int CODE = 10;
  public static final String SCRAM_SHA_256 = "SCRAM-SHA-256";

  public static Buffer encode(List<String> mechanisms) {
    Buffer rest = Buffer.buffer();
    for (String mechanism : mechanisms) {
      rest.appendString(mechanism, "UTF-8").appendByte((byte) 0);
    }
    return Authentication.message(CODE, rest.appendByte((byte) 0));
  }

  /** The mechanisms offered in an {@code R} body whose code is {@link #CODE}. */
  public static List<String> mechanisms(Buffer body) {
    List<String> mechanisms = new ArrayList<>();
    int pos = 4;
    while (pos < body.length() && body.getByte(pos) != 0) {
      int end = pos;
      while (end < body.length() && body.getByte(end) != 0) {
        end++;
      }
      mechanisms.add(new String(body.getBytes(pos, end), StandardCharsets.UTF_8));
      pos = end + 1;
    }
    return mechanisms;
  }
}
