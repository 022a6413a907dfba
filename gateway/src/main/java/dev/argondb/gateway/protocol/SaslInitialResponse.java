package dev.argondb.gateway.protocol;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * Client message {@code p} answering {@link AuthenticationSasl}: the chosen mechanism (NUL-terminated), an
 * int32 length and the initial response (for SCRAM the client-first-message).
 */
public record SaslInitialResponse(String mechanism, String data) {
  public static final byte TYPE = 'p';

  public static SaslInitialResponse parse(Buffer body) throws ProtocolViolation {
    int nul = -1;
    for (int i = 0; i < body.length(); i++) {
      if (body.getByte(i) == 0) {
        nul = i;
        break;
      }
    }
    if (nul < 0 || nul + 5 > body.length()) {
      throw new ProtocolViolation("malformed SASLInitialResponse message");
    }
    int length = body.getInt(nul + 1);
    if (length != body.length() - nul - 5) {
      throw new ProtocolViolation("malformed SASLInitialResponse message: bad response length");
    }
    return new SaslInitialResponse(new String(body.getBytes(0, nul), StandardCharsets.UTF_8),
        new String(body.getBytes(nul + 5, body.length()), StandardCharsets.UTF_8));
  }

  public Buffer encode() {
    byte[] response = data.getBytes(StandardCharsets.UTF_8);
    Buffer body = Buffer.buffer().appendString(mechanism, "UTF-8").appendByte((byte) 0).appendInt(response.length)
        .appendBytes(response);
    return TypedMessage.encode(TYPE, body);
  }
}
