package dev.argondb.gateway.auth;

import dev.argondb.scram.ScramCrypto;
import dev.argondb.scram.ScramVerifier;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * A verifier for a role that does not exist, as Postgres's mock authentication: the exchange runs as for a
 * real role and fails at the proof, so a client cannot tell a missing role from a wrong password. The salt is
 * stable per role name (HMAC with a per-process secret), so repeated probes see the same salt.
 */
public final class MockVerifier {
  private static final byte[] SECRET = new byte[32];

  static {
    new SecureRandom().nextBytes(SECRET);
  }

  private MockVerifier() {}

  public static ScramVerifier.Parts forRole(String role) {
    byte[] derived = ScramCrypto.hmac(SECRET, role.getBytes(StandardCharsets.UTF_8));
    byte[] salt = Arrays.copyOf(derived, ScramVerifier.SALT_BYTES);
    // No ClientKey hashes to this StoredKey (it is not H of anything we know), so every proof fails.
    byte[] storedKey = ScramCrypto.hmac(SECRET, derived);
    return new ScramVerifier.Parts(ScramVerifier.ITERATIONS, salt, storedKey, ScramCrypto.hmac(derived, SECRET));
  }
}
