package dev.argondb.pgformat;

import java.time.Instant;

/** Postgres {@code TimestampTz}: microseconds since 2000-01-01 00:00:00 UTC. */
public final class PgTimestamp {
  /** 2000-01-01T00:00:00Z in Unix microseconds (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE days). */
  public static final long POSTGRES_EPOCH_UNIX_MICROS = 946_684_800_000_000L;

  private PgTimestamp() {}

  public static Instant toInstant(long pgMicros) {
    long unixMicros = pgMicros + POSTGRES_EPOCH_UNIX_MICROS;
    return Instant.ofEpochSecond(Math.floorDiv(unixMicros, 1_000_000L), Math.floorMod(unixMicros, 1_000_000L) * 1000L);
  }

  public static long fromInstant(Instant instant) {
    return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1000 - POSTGRES_EPOCH_UNIX_MICROS;
  }
}
