package dev.argondb.safekeeper.replication;

/** Backend message {@code W}: START_REPLICATION accepted; both sides now exchange CopyData. */
final class CopyBothResponse {
  private CopyBothResponse() {}

  static final byte TYPE = 'W';
}
