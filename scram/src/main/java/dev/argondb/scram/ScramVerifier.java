package dev.argondb.scram;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * SCRAM-SHA-256 verifiers (RFC 5802/7677) in the exact form Postgres stores in {@code pg_authid}:
 * {@code SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>} (base64). Postgres accepts this
 * string as the password of {@code CREATE ROLE}, so the control plane can give computes roles whose
 * plaintext password it never kept.
 */
public final class ScramVerifier {
  public static final int ITERATIONS = 4096;
  public static final int SALT_BYTES = 16;
  private static final int KEY_BYTES = ScramCrypto.KEY_BYTES;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern FORMAT = Pattern.compile(
      "SCRAM-SHA-256\\$([1-9][0-9]{0,9}):([A-Za-z0-9+/=]+)\\$([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)");

  /** A parsed verifier. */
  public record Parts(int iterations, byte[] salt, byte[] storedKey, byte[] serverKey) {}

  private ScramVerifier() {}

  /** A verifier for {@code password} with a fresh random salt. CPU-bound (~ms): call off the event loop. */
  public static String generate(String password) {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    return generate(password, salt, ITERATIONS);
  }

  /** A verifier with the given salt and iteration count (tests, and re-deriving a known verifier). */
  public static String generate(String password, byte[] salt, int iterations) {
    if (password == null || password.isEmpty()) {
      throw new IllegalArgumentException("password must not be empty");
    }
    byte[] saltedPassword = saltedPassword(password, salt, iterations);
    byte[] storedKey = sha256(hmac(saltedPassword, "Client Key"));
    byte[] serverKey = hmac(saltedPassword, "Server Key");
    Base64.Encoder b64 = Base64.getEncoder();
    return "SCRAM-SHA-256$" + iterations + ":" + b64.encodeToString(salt) + "$"
        + b64.encodeToString(storedKey) + ":" + b64.encodeToString(serverKey);
  }

  /** Parses a verifier; throws {@link IllegalArgumentException} with the reason if it is malformed. */
  public static Parts parse(String verifier) {
    Matcher m = verifier == null ? null : FORMAT.matcher(verifier);
    if (m == null || !m.matches()) {
      throw new IllegalArgumentException(
          "scram_verifier must look like SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>");
    }
    long iterations = Long.parseLong(m.group(1));
    if (iterations > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("scram_verifier iteration count is too large");
    }
    byte[] salt = decode(m.group(2), "salt");
    byte[] storedKey = decode(m.group(3), "StoredKey");
    byte[] serverKey = decode(m.group(4), "ServerKey");
    if (salt.length == 0) {
      throw new IllegalArgumentException("scram_verifier salt is empty");
    }
    if (storedKey.length != KEY_BYTES || serverKey.length != KEY_BYTES) {
      throw new IllegalArgumentException("scram_verifier keys must be 32-byte SHA-256 values");
    }
    return new Parts((int) iterations, salt, storedKey, serverKey);
  }

  public static boolean isValid(String verifier) {
    try {
      parse(verifier);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Whether {@code password} is the one the verifier was built from (constant-time comparison). */
  public static boolean matches(String verifier, String password) {
    Parts parts = parse(verifier);
    byte[] saltedPassword = saltedPassword(password, parts.salt(), parts.iterations());
    boolean stored = MessageDigest.isEqual(sha256(hmac(saltedPassword, "Client Key")), parts.storedKey());
    boolean server = MessageDigest.isEqual(hmac(saltedPassword, "Server Key"), parts.serverKey());
    return stored & server;
  }

  /**
   * The SCRAM ClientKey of {@code password} under a verifier's salt and iterations: what a client derives,
   * and all the gateway needs to authenticate to a compute for that client. CPU-bound: off the event loop.
   */
  public static byte[] clientKey(String password, Parts parts) {
    return hmac(saltedPassword(password, parts.salt(), parts.iterations()), "Client Key");
  }

  /** Whether {@code clientKey} belongs to the verifier, i.e. H(ClientKey) == StoredKey (constant time). */
  public static boolean isClientKeyOf(byte[] clientKey, Parts parts) {
    return ScramCrypto.same(sha256(clientKey), parts.storedKey());
  }

  private static byte[] hmac(byte[] key, String message) {
    return ScramCrypto.hmac(key, message);
  }

  private static byte[] sha256(byte[] data) {
    return ScramCrypto.sha256(data);
  }

  private static byte[] saltedPassword(String password, byte[] salt, int iterations) {
    char[] prepared = SaslPrep.prepare(password).toCharArray();
    PBEKeySpec spec = new PBEKeySpec(prepared, salt, iterations, KEY_BYTES * 8);
    try {
      // SunJCE's PBKDF2 feeds the password to HMAC as UTF-8, which is what SCRAM hashes.
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 is unavailable", e);
    } finally {
      spec.clearPassword();
      Arrays.fill(prepared, '\0');
    }
  }

  private static byte[] decode(String base64, String what) {
    try {
      return Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("scram_verifier " + what + " is not valid base64");
    }
  }
}
