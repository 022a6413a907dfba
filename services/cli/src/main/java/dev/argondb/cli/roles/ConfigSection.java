package dev.argondb.cli.roles;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * One section of the service config file, complete: the defaults, overlaid by the file's values, overlaid by
 * environment variables {@code ARGON_<SECTION>_<KEY>} (upper case, {@code -} as {@code _}; e.g.
 * {@code ARGON_CONTROL_PLANE_DATABASE_URL}, {@code ARGON_CLUSTER_MEMBERS=a:5701,b:5701}). A key the
 * defaults do not have is a typo and fails.
 */
final class ConfigSection {
  static final String ENV_PREFIX = "ARGON_";

  private ConfigSection() {}

  static JsonObject merge(String section, JsonObject defaults, JsonObject fromFile, Map<String, String> env) {
    JsonObject merged = defaults.copy();
    if (fromFile != null) {
      for (String key : fromFile.fieldNames()) {
        if (!defaults.containsKey(key)) {
          throw new IllegalArgumentException("unknown setting \"" + key + "\" in section \"" + section
              + "\"; known: " + String.join(", ", new TreeSet<>(defaults.fieldNames())));
        }
        merged.put(key, fromFile.getValue(key));
      }
    }
    for (String key : defaults.fieldNames()) {
      String value = env.get(envName(section, key));
      if (value != null) {
        merged.put(key, parse(section, key, value, defaults.getValue(key) != null ? defaults.getValue(key)
            : merged.getValue(key)));
      }
    }
    return merged;
  }

  static String envName(String section, String key) {
    return ENV_PREFIX + (section + "_" + key).toUpperCase(Locale.ROOT).replace('-', '_').replace('.', '_');
  }

  /** Parses an environment value as the type the setting has by default (a string when it has none). */
  private static Object parse(String section, String key, String value, Object typeExample) {
    try {
      if (typeExample instanceof Integer) {
        return Integer.parseInt(value.trim());
      }
      if (typeExample instanceof Long) {
        return Long.parseLong(value.trim());
      }
      if (typeExample instanceof Boolean) {
        return Boolean.parseBoolean(value.trim());
      }
      if (typeExample instanceof JsonArray) {
        return new JsonArray(Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList());
      }
      if (typeExample instanceof JsonObject) {
        return new JsonObject(value);
      }
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(envName(section, key) + ": cannot use \"" + value + "\" as "
          + typeExample.getClass().getSimpleName(), e);
    }
    return value.isEmpty() ? null : value;
  }
}
