package dev.argondb.safekeeper.replication;

/** Backend message {@code Z}: the server waits for the next command (end of startup or of a query). */
final class ReadyForQuery {
  private ReadyForQuery() {}

  static final byte TYPE = 'Z';
}
