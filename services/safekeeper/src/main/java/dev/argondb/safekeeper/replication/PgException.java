package dev.argondb.safekeeper.replication;

/** An ErrorResponse from the server, e.g. {@code 28P01} for a wrong password. */
public final class PgException extends ReplicationException {
  private final String severity;
  private final String sqlState;
  private final String serverMessage;
  private final String detail;
  private final String hint;

  public PgException(String severity, String sqlState, String serverMessage, String detail, String hint) {
    super(severity + " " + sqlState + ": " + serverMessage + (detail == null ? "" : " (" + detail + ")"));
    this.severity = severity;
    this.sqlState = sqlState;
    this.serverMessage = serverMessage;
    this.detail = detail;
    this.hint = hint;
  }

  /** Non-localized severity: ERROR, FATAL or PANIC. */
  public String severity() {
    return severity;
  }

  public String sqlState() {
    return sqlState;
  }

  /** The primary message alone, without severity and SQLSTATE. */
  public String serverMessage() {
    return serverMessage;
  }

  /** Nullable. */
  public String detail() {
    return detail;
  }

  /** Nullable. */
  public String hint() {
    return hint;
  }
}
