package dev.argondb.safekeeper.replication;

/** Backend message {@code T}: column metadata; replication commands have fixed columns, so it is skipped. */
final class RowDescription {
  private RowDescription() {}

  static final byte TYPE = 'T';
}
