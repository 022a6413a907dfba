package dev.argondb.gateway.protocol;

/** A client sent something the startup phase cannot accept; the session answers with a FATAL error and closes. */
public final class ProtocolViolation extends Exception {
  private final String sqlState;

  public ProtocolViolation(String message) {
    this(SqlState.PROTOCOL_VIOLATION, message);
  }

  public ProtocolViolation(String sqlState, String message) {
    super(message, null, false, false);
    this.sqlState = sqlState;
  }

  public String sqlState() {
    return sqlState;
  }
}
