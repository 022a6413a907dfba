package dev.argondb.safekeeper.replication;

/** Postgres timestamps on the replication protocol: microseconds since 2000-01-01 00:00 UTC. */
final class PgClock {
  private PgClock() {}

  private static final long POSTGRES_EPOCH_UNIX_SECONDS = 946_684_800L;

  static long now() {
    return System.currentTimeMillis() * 1000L - POSTGRES_EPOCH_UNIX_SECONDS * 1_000_000L;
  }
}
