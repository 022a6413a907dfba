package dev.argondb.safekeeper.replication;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/** Frontend message {@code p} answering AuthenticationSASL: the chosen mechanism and client-first-message. */
final class SaslInitialResponse {
  private SaslInitialResponse() {}

  static final byte TYPE = 'p';

  static Buffer encode(String mechanism, String clientFirstMessage) {
    byte[] data = clientFirstMessage.getBytes(StandardCharsets.UTF_8);
    Buffer body = Wire.appendCString(Buffer.buffer(), mechanism).appendInt(data.length).appendBytes(data);
    return Wire.frame(TYPE, body);
  }
}
