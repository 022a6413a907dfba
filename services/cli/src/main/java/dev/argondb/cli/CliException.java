package dev.argondb.cli;

/** A user-facing failure: printed as one line, exit code 1. */
public class CliException extends RuntimeException {
  public CliException(String message) {
    super(message);
  }
}
