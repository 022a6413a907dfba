package dev.argondb.safekeeper.replication;

/** Backend message {@code C}: a command finished; ReadyForQuery follows. */
final class CommandComplete {
  private CommandComplete() {}

  static final byte TYPE = 'C';
}
