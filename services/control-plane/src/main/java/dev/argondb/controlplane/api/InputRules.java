package dev.argondb.controlplane.api;

import dev.argondb.controlplane.ControlPlaneError;
import dev.argondb.controlplane.model.Ids;
import dev.argondb.pgformat.Lsn;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** What the REST API accepts as ids, names and settings; anything else is a 400 before any change. */
final class InputRules {
  /** Endpoint and branch names: safe in a DNS label (the gateway routes by SNI) and in a URL path. */
  private static final Pattern RESOURCE_NAME = Pattern.compile("[a-zA-Z0-9_-]{1,63}");
  /** A Postgres identifier (it is always quoted when created, so case is kept). */
  private static final Pattern ROLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*");
  /** NAMEDATALEN - 1: Postgres silently truncates longer names, so two roles could collide. */
  private static final int MAX_IDENTIFIER_BYTES = 63;
  /** Role names Postgres reserves ("role name "public" is reserved"). */
  /** An LSN as Postgres prints it: two hex halves of at most 8 digits. */
  private static final Pattern LSN = Pattern.compile("[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}");
  /** A timestamp with a numeric UTC offset; the offset may be Postgres' short form ({@code +00}). */
  private static final Pattern TIMESTAMP = Pattern.compile(
      "(\\d{4}-\\d{2}-\\d{2})[T ](\\d{2}:\\d{2}(?::\\d{2}(?:\\.\\d{1,9})?)?)\\s*(Z|z|[+-]\\d{2}(?::?\\d{2})?)");
  private static final Set<String> RESERVED_ROLES = Set.of("public", "none", "current_user", "current_role",
      "session_user", "system_user");

  private InputRules() {}

  static String id(String field, String value) {
    if (!Ids.isValid(value)) {
      throw ControlPlaneError.badRequest(field + " must be 32 lowercase hex characters");
    }
    return value;
  }

  static String resourceName(String field, String value) {
    if (value == null || !RESOURCE_NAME.matcher(value).matches()) {
      throw ControlPlaneError.badRequest(field + " must be 1 to 63 characters of letters, digits, '_' and '-'");
    }
    return value;
  }

  static String roleName(String value) {
    if (value == null || !ROLE_NAME.matcher(value).matches()) {
      throw ControlPlaneError.badRequest(
          "role name must start with a letter or '_' and contain only letters, digits, '_' and '$'");
    }
    if (value.getBytes(StandardCharsets.UTF_8).length > MAX_IDENTIFIER_BYTES) {
      throw ControlPlaneError.badRequest("role name must be at most 63 bytes");
    }
    String lower = value.toLowerCase(Locale.ROOT);
    if (lower.startsWith("pg_")) {
      throw ControlPlaneError.badRequest("role names starting with \"pg_\" are reserved by Postgres");
    }
    if (RESERVED_ROLES.contains(lower)) {
      throw ControlPlaneError.badRequest("role name \"" + value + "\" is reserved by Postgres");
    }
    return value;
  }

  static int suspendTimeout(Integer seconds) {
    if (seconds == null || seconds < 0) {
      throw ControlPlaneError.badRequest("suspend_timeout_seconds must be an integer >= 0 (0 = never suspend)");
    }
    return seconds;
  }

  /** An LSN such as {@code 0/16F9A00}; 0/0 is no position in any WAL. */
  static long lsn(String field, String value) {
    if (value == null || !LSN.matcher(value).matches()) {
      throw ControlPlaneError.badRequest(field + " must be an LSN like 0/16F9A00, got \"" + value + "\"");
    }
    long lsn = Lsn.parse(value);
    if (!Lsn.isValid(lsn)) {
      throw ControlPlaneError.badRequest(field + " must not be 0/0");
    }
    return lsn;
  }

  /**
   * A point in time with an explicit offset: ISO-8601 ({@code 2026-11-24T10:00:00Z}) or as Postgres prints a
   * timestamptz ({@code 2026-11-24 10:00:00+00}). Without an offset the time would be ambiguous: refused.
   */
  static Instant pointInTime(String field, String value) {
    var match = value == null ? null : TIMESTAMP.matcher(value.strip());
    if (match == null || !match.matches()) {
      throw ControlPlaneError.badRequest(field + " must be a time with a UTC offset, like 2026-11-24 10:00:00+00"
          + " or 2026-11-24T10:00:00Z, got \"" + value + "\"");
    }
    String offset = match.group(3).toUpperCase(Locale.ROOT);
    if (offset.length() == 3) {
      offset += ":00";
    } else if (offset.length() == 5) {
      offset = offset.substring(0, 3) + ":" + offset.substring(3);
    }
    String time = match.group(2).length() == 5 ? match.group(2) + ":00" : match.group(2);
    try {
      return OffsetDateTime.parse(match.group(1) + "T" + time + offset, DateTimeFormatter.ISO_OFFSET_DATE_TIME)
          .toInstant();
    } catch (DateTimeParseException e) {
      throw ControlPlaneError.badRequest(field + " is not a valid time: \"" + value + "\"");
    }
  }

  private static final Pattern SHORT_DURATION = Pattern.compile("(\\d{1,9})([smhdw])");

  /**
   * A duration such as {@code 7d}, {@code 12h}, {@code 30m}, {@code 45s}, {@code 2w} or ISO-8601 ({@code PT1H},
   * {@code P7D}); at least 0 and at most 10 years. In seconds.
   */
  static long duration(String field, String value) {
    String v = value == null ? "" : value.strip();
    long seconds;
    var match = SHORT_DURATION.matcher(v);
    if (match.matches()) {
      long n = Long.parseLong(match.group(1));
      seconds = n * switch (match.group(2)) {
        case "s" -> 1L;
        case "m" -> 60L;
        case "h" -> 3600L;
        case "d" -> 86_400L;
        default -> 604_800L;
      };
    } else {
      try {
        seconds = java.time.Duration.parse(v.toUpperCase(Locale.ROOT)).getSeconds();
      } catch (DateTimeParseException e) {
        throw ControlPlaneError.badRequest(field + " must be a duration like 7d, 12h, 30m, 45s or PT1H, got \""
            + value + "\"");
      }
    }
    if (seconds < 0 || seconds > 10L * 365 * 86_400) {
      throw ControlPlaneError.badRequest(field + " must be between 0 and 10 years, got \"" + value + "\"");
    }
    return seconds;
  }

  /** A duration in seconds as {@link #duration} reads it back: the largest whole unit. */
  static String formatDuration(long seconds) {
    return dev.argondb.bus.DurationText.of(seconds);
  }

  private static final Pattern SNAPSHOT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");

  /** A snapshot name: 1 to 63 letters, digits, '_', '.' or '-', starting with a letter or digit. */
  static String snapshotName(String field, String value) {
    if (value == null || !SNAPSHOT_NAME.matcher(value).matches()) {
      throw ControlPlaneError.badRequest(field + " must be 1 to 63 letters, digits, '_', '.' or '-', starting with a"
          + " letter or digit, got \"" + value + "\"");
    }
    return value;
  }
}
