package dev.argondb.scram;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The primitives of SCRAM-SHA-256 (RFC 5802 §3): HMAC, H and XOR. They are cheap (microseconds), so an
 * event loop may call them; only the PBKDF2 of a password ({@link ScramVerifier}) is expensive.
 */
public final class ScramCrypto {
  public static final int KEY_BYTES = 32;
  private static final String HMAC_SHA_256 = "HmacSHA256";

  private ScramCrypto() {}

  public static byte[] hmac(byte[] key, byte[] message) {
    try {
      Mac mac = Mac.getInstance(HMAC_SHA_256);
      mac.init(new SecretKeySpec(key, HMAC_SHA_256));
      return mac.doFinal(message);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }

  public static byte[] hmac(byte[] key, String message) {
    return hmac(key, message.getBytes(StandardCharsets.UTF_8));
  }

  public static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is unavailable", e);
    }
  }

  /** {@code a XOR b}; both must have the same length. */
  public static byte[] xor(byte[] a, byte[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("xor of " + a.length + " and " + b.length + " bytes");
    }
    byte[] out = new byte[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = (byte) (a[i] ^ b[i]);
    }
    return out;
  }

  /** Constant-time comparison, so a failed check leaks nothing through its timing. */
  public static boolean same(byte[] a, byte[] b) {
    return MessageDigest.isEqual(a, b);
  }
}
