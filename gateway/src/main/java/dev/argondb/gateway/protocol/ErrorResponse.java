package dev.argondb.gateway.protocol;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * Server message {@code E}. The gateway only sends FATAL ones, during the startup phase, right before
 * it closes the connection: clients show them like any Postgres startup error.
 */
public final class ErrorResponse {
  private ErrorResponse() {}

  public static final byte TYPE = 'E';
  private static final byte FIELD_SEVERITY = 'S';
  /** Non-localized severity (protocol 3.0, Postgres 9.6+); clients read it in preference to S. */
  private static final byte FIELD_SEVERITY_NON_LOCALIZED = 'V';
  private static final byte FIELD_SQLSTATE = 'C';
  private static final byte FIELD_MESSAGE = 'M';
  private static final String FATAL = "FATAL";

  public static Buffer fatal(String sqlState, String message) {
    Buffer fields = Buffer.buffer();
    appendField(fields, FIELD_SEVERITY, FATAL);
    appendField(fields, FIELD_SEVERITY_NON_LOCALIZED, FATAL);
    appendField(fields, FIELD_SQLSTATE, sqlState);
    appendField(fields, FIELD_MESSAGE, message);
    fields.appendByte((byte) 0);
    return Buffer.buffer(5 + fields.length()).appendByte(TYPE).appendInt(4 + fields.length()).appendBuffer(fields);
  }

  private static void appendField(Buffer fields, byte type, String value) {
    fields.appendByte(type).appendBytes(value.getBytes(StandardCharsets.UTF_8)).appendByte((byte) 0);
  }
}
