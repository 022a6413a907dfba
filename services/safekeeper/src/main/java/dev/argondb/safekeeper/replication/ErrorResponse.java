package dev.argondb.safekeeper.replication;

import io.vertx.core.buffer.Buffer;
import java.util.HashMap;
import java.util.Map;

/** Backend message {@code E} (and the fields of {@code N}): one-byte field codes, each a C string. */
final class ErrorResponse {
  private ErrorResponse() {}

  static final byte TYPE = 'E';
  static final byte SEVERITY_LOCALIZED = 'S';
  /** Non-localized severity (9.6+): preferred, it does not depend on lc_messages. */
  static final byte SEVERITY = 'V';
  static final byte SQLSTATE = 'C';
  static final byte MESSAGE = 'M';
  static final byte DETAIL = 'D';
  static final byte HINT = 'H';

  static Map<Byte, String> fields(Buffer body) {
    Map<Byte, String> fields = new HashMap<>();
    int pos = 0;
    while (pos < body.length() && body.getByte(pos) != 0) {
      int nul = Wire.nul(body, pos + 1);
      if (nul < 0) {
        break;
      }
      fields.put(body.getByte(pos), Wire.cString(body, pos + 1, nul));
      pos = nul + 1;
    }
    return fields;
  }

  static PgException parse(Buffer body) {
    Map<Byte, String> fields = fields(body);
    String severity = fields.getOrDefault(SEVERITY, fields.getOrDefault(SEVERITY_LOCALIZED, "ERROR"));
    return new PgException(severity, fields.getOrDefault(SQLSTATE, "XX000"), fields.getOrDefault(MESSAGE, ""),
        fields.get(DETAIL), fields.get(HINT));
  }
}
