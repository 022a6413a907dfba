package dev.argondb.safekeeper.replication;

import io.vertx.core.buffer.Buffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Frontend startup packet (untyped: int32 length, int32 protocol version, name/value pairs, NUL).
 * For physical replication walreceiver sends {@code replication=true} and {@code dbname=replication}
 * (so that pg_hba's {@code replication} keyword matches); we send the same.
 */
final class StartupMessage {
  private StartupMessage() {}

  static final int PROTOCOL_3_0 = 196608;
  static final String USER = "user";
  static final String DATABASE = "database";
  static final String REPLICATION = "replication";
  static final String APPLICATION_NAME = "application_name";
  /** {@code true} asks for a physical walsender; {@code database} would ask for a logical one. */
  static final String PHYSICAL = "true";
  /** The pseudo-database that pg_hba's {@code replication} lines match. */
  static final String REPLICATION_DATABASE = "replication";

  static Buffer physical(String user, String applicationName) {
    Map<String, String> parameters = new LinkedHashMap<>();
    parameters.put(USER, user);
    parameters.put(DATABASE, REPLICATION_DATABASE);
    parameters.put(REPLICATION, PHYSICAL);
    parameters.put(APPLICATION_NAME, applicationName);
    Buffer body = Buffer.buffer().appendInt(PROTOCOL_3_0);
    parameters.forEach((name, value) -> Wire.appendCString(Wire.appendCString(body, name), value));
    body.appendByte((byte) 0);
    return Buffer.buffer(4 + body.length()).appendInt(4 + body.length()).appendBuffer(body);
  }
}
