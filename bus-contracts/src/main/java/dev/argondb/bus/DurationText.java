package dev.argondb.bus;

/** Durations as people write them (7d, 12h, 30m, 45s), the form the CLI, REST and messages show them in. */
public final class DurationText {
  private DurationText() {}

  /** {@code seconds} in the largest whole unit: 604800 is "7d", 90 is "90s". */
  public static String of(long seconds) {
    if (seconds != 0 && seconds % 86_400 == 0) {
      return seconds / 86_400 + "d";
    }
    if (seconds != 0 && seconds % 3600 == 0) {
      return seconds / 3600 + "h";
    }
    if (seconds != 0 && seconds % 60 == 0) {
      return seconds / 60 + "m";
    }
    return seconds + "s";
  }
}
