package dev.argondb.safekeeper.replication;

/**
 * Minimal LSN text format ({@code %X/%X}), package-private on purpose: dev.argondb.pgformat.Lsn
 * will replace it.
 */
final class Lsns {
  private Lsns() {}

  static String format(long lsn) {
    return String.format("%X/%X", lsn >>> 32, lsn & 0xFFFFFFFFL);
  }

  static long parse(String text) {
    int slash = text.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("not an LSN: " + text);
    }
    return (Long.parseLong(text.substring(0, slash), 16) << 32) | Long.parseLong(text.substring(slash + 1), 16);
  }
}
