package dev.argondb.gateway.protocol;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/** Client message {@code p} answering {@link AuthenticationSaslContinue}: for SCRAM the client-final-message. */
public record SaslResponse(String data) {
  public static final byte TYPE = 'p';

  public static SaslResponse parse(Buffer body) {
    return new SaslResponse(body.toString(StandardCharsets.UTF_8));
  }

  public Buffer encode() {
    return TypedMessage.encode(TYPE, Buffer.buffer(data.getBytes(StandardCharsets.UTF_8)));
  }
}
