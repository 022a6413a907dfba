package dev.argondb.controlplane.api;

import dev.argondb.controlplane.ControlPlaneError;
import dev.argondb.controlplane.model.Ids;
import java.nio.charset.StandardCharsets;
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
}
