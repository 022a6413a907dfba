package dev.argondb.gateway.auth;

import dev.argondb.gateway.protocol.ProtocolViolation;
import dev.argondb.scram.ScramCrypto;
import dev.argondb.scram.ScramVerifier;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * The gateway as the SCRAM-SHA-256 client of a compute, for a client whose ClientKey it learned. A client's
 * proof is ClientKey XOR HMAC(H(ClientKey), AuthMessage), so the key alone suffices: no password, no PBKDF2.
 * The compute holds the same verifier as the control plane, so its salt and iteration count must match, and
 * its server signature is checked with the verifier's ServerKey.
 */
public final class ScramClientExchange {
  /** No channel binding: "n,," in the gs2 header, "biws" in base64. */
  private static final String GS2_HEADER = "n,,";

  private final byte[] clientKey;
  private final ScramVerifier.Parts verifier;
  private final String clientFirstBare = "n=,r=" + ScramNonces.next();
  private String authMessage;

  public ScramClientExchange(byte[] clientKey, ScramVerifier.Parts verifier) {
    this.clientKey = clientKey;
    this.verifier = verifier;
  }

  public String clientFirst() {
    return GS2_HEADER + clientFirstBare;
  }

  /** Reads the compute's server-first-message and returns the client-final-message with the proof. */
  public String onServerFirst(String serverFirst) throws ProtocolViolation {
    ScramAttributes attributes = ScramAttributes.parse(serverFirst);
    String nonce = attributes.require(0, 'r');
    String salt = attributes.require(1, 's');
    String iterations = attributes.require(2, 'i');
    String ourNonce = clientFirstBare.substring("n=,r=".length());
    if (!nonce.startsWith(ourNonce) || nonce.length() == ourNonce.length()) {
      throw new ProtocolViolation("compute sent an invalid SCRAM nonce");
    }
    if (!salt.equals(Base64.getEncoder().encodeToString(verifier.salt()))
        || !iterations.equals(Integer.toString(verifier.iterations()))) {
      throw new ProtocolViolation("the compute's verifier of this role differs from the control plane's");
    }
    String withoutProof = "c=" + Base64.getEncoder().encodeToString(GS2_HEADER.getBytes(StandardCharsets.US_ASCII))
        + ",r=" + nonce;
    authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
    byte[] storedKey = ScramCrypto.sha256(clientKey);
    byte[] proof = ScramCrypto.xor(clientKey, ScramCrypto.hmac(storedKey, authMessage));
    return withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof);
  }

  /** Checks the compute's server-final-message: it proves the compute holds the role's ServerKey. */
  public void onServerFinal(String serverFinal) throws ProtocolViolation {
    if (authMessage == null || !serverFinal.startsWith("v=")) {
      throw new ProtocolViolation("compute sent an invalid SCRAM server-final-message");
    }
    byte[] expected = ScramCrypto.hmac(verifier.serverKey(), authMessage);
    byte[] actual;
    try {
      actual = Base64.getDecoder().decode(serverFinal.substring(2));
    } catch (IllegalArgumentException e) {
      throw new ProtocolViolation("compute sent an invalid SCRAM server signature");
    }
    if (!Arrays.equals(expected, actual)) {
      throw new ProtocolViolation("compute's SCRAM server signature does not match the role's verifier");
    }
  }
}
