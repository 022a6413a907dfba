package dev.argondb.safekeeper.replication;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/** Frontend message {@code p} answering AuthenticationSASLContinue: the client-final-message. */
final class SaslResponse {
  private SaslResponse() {}

  static final byte TYPE = 'p';

  static Buffer encode(String clientFinalMessage) {
    return Wire.frame(TYPE, Buffer.buffer(clientFinalMessage.getBytes(StandardCharsets.UTF_8)));
  }
}
