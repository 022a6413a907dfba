package dev.argondb.pgformat;

/** {@code DBState} of pg_control ({@code catalog/pg_control.h}); the ordinal is the stored value. */
public enum DbState {
  STARTUP,
  /** Cleanly shut down: a start ignores WAL after the checkpoint. */
  SHUTDOWNED,
  /** A standby or recovery run that was shut down. */
  SHUTDOWNED_IN_RECOVERY,
  SHUTDOWNING,
  IN_CRASH_RECOVERY,
  IN_ARCHIVE_RECOVERY,
  /** Running (or crashed while running): a start runs crash recovery through pg_wal. */
  IN_PRODUCTION;

  public static DbState of(int value) {
    DbState[] all = values();
    if (value < 0 || value >= all.length) {
      throw new PgFormatException("unknown pg_control state " + value);
    }
    return all[value];
  }

  public int value() {
    return ordinal();
  }
}
