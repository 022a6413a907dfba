package dev.argondb.safekeeper.replication;

import io.vertx.core.buffer.Buffer;
import java.util.Map;

/** Backend message {@code S}: a run-time parameter's current value (server_version, ...). */
final class ParameterStatus {
  private ParameterStatus() {}

  static final byte TYPE = 'S';

  static Map.Entry<String, String> parse(Buffer body) {
    int nameEnd = Wire.nul(body, 0);
    int valueEnd = Wire.nul(body, nameEnd + 1);
    return Map.entry(Wire.cString(body, 0, nameEnd), Wire.cString(body, nameEnd + 1, valueEnd));
  }
}
