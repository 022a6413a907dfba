package dev.argondb.gateway.auth;

import java.security.SecureRandom;
import java.util.Base64;

/** Random SCRAM nonces: 18 random bytes, base64 (printable, never a comma, as RFC 5802 requires). */
final class ScramNonces {
  private static final int NONCE_BYTES = 18;
  private static final SecureRandom RANDOM = new SecureRandom();

  private ScramNonces() {}

  static String next() {
    byte[] bytes = new byte[NONCE_BYTES];
    RANDOM.nextBytes(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }
}
