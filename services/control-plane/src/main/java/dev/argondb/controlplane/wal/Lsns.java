package dev.argondb.controlplane.wal;

/** Formats a 64-bit WAL position as Postgres prints it ({@code 0/16B5A50}). */
final class Lsns {
  private Lsns() {}

  static String format(long lsn) {
    return String.format("%X/%X", lsn >>> 32, lsn & 0xFFFFFFFFL);
  }
}
