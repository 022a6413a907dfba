package dev.argondb.safekeeper.replication;

/** Backend message {@code K}: cancel key. A walsender has nothing to cancel, so it is only skipped. */
final class BackendKeyData {
  private BackendKeyData() {}

  static final byte TYPE = 'K';
}
