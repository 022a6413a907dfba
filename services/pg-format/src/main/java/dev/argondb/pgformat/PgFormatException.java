package dev.argondb.pgformat;

/** Bytes that do not have the Postgres format they should have (corrupt, truncated or foreign). */
public class PgFormatException extends RuntimeException {
  public PgFormatException(String message) {
    super(message);
  }
}
