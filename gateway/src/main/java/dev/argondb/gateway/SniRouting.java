package dev.argondb.gateway;

import java.util.Locale;

/**
 * The endpoint named by a TLS server name: its first DNS label, when the rest is the gateway's domain
 * ({@code main.argon.local} with domain {@code argon.local} is endpoint {@code main}). Other names
 * ({@code localhost}, a bare domain) name no endpoint, so routing falls through to options and the rest.
 */
final class SniRouting {
  private SniRouting() {}

  static String endpoint(String serverName, String domain) {
    if (serverName == null || domain == null || domain.isEmpty()) {
      return null;
    }
    String name = serverName.toLowerCase(Locale.ROOT);
    String suffix = "." + domain.toLowerCase(Locale.ROOT);
    if (!name.endsWith(suffix)) {
      return null;
    }
    String label = name.substring(0, name.length() - suffix.length());
    return label.isEmpty() || label.contains(".") ? null : label;
  }
}
