package dev.argondb.gateway.auth;

/**
 * The {@code endpoint=<name>;<password>} password of a client that can send neither SNI nor options
 * (Neon's {@code project=<id>;<password>}). A password without the prefix is the password itself.
 */
public record PasswordForm(String endpoint, String password) {
  static final String PREFIX = "endpoint=";
  private static final char SEPARATOR = ';';

  public static PasswordForm parse(String sent) {
    int separator = sent.indexOf(SEPARATOR);
    if (sent.startsWith(PREFIX) && separator > PREFIX.length()) {
      return new PasswordForm(sent.substring(PREFIX.length(), separator), sent.substring(separator + 1));
    }
    return new PasswordForm(null, sent);
  }

  @Override
  public String toString() {
    return "PasswordForm[endpoint=" + endpoint + ", password=***]";
  }
}
