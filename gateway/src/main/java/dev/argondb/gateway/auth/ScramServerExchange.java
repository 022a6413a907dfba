package dev.argondb.gateway.auth;

import dev.argondb.gateway.protocol.ProtocolViolation;
import dev.argondb.scram.ScramCrypto;
import dev.argondb.scram.ScramVerifier;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The gateway as the SCRAM-SHA-256 server of a client, checking the client's proof against the role's stored
 * verifier. Unlike a plain server it keeps what the proof reveals: ClientKey = ClientProof XOR
 * HMAC(StoredKey, AuthMessage), valid when H(ClientKey) == StoredKey. That key lets the gateway log in to the
 * compute for the client ({@link ScramClientExchange}) without any password. Only HMACs: cheap, event-loop safe.
 */
public final class ScramServerExchange {
  /** The gs2 headers of a client without channel binding ("n") or that thinks the server has none ("y"). */
  private static final String NO_BINDING = "n,,";
  private static final String BINDING_UNSUPPORTED_BY_SERVER = "y,,";

  private final ScramVerifier.Parts verifier;
  private String gs2Header;
  private String clientFirstBare;
  private String serverFirst;
  private String nonce;

  public ScramServerExchange(ScramVerifier.Parts verifier) {
    this.verifier = verifier;
  }

  /** The outcome of the client's proof: its ClientKey when valid (else null) and the server-final-message. */
  public record Outcome(byte[] clientKey, String serverFinal) {
    public boolean authenticated() {
      return clientKey != null;
    }
  }

  /** Reads the client-first-message and returns the server-first-message. */
  public String onClientFirst(String clientFirst) throws ProtocolViolation {
    if (clientFirst.startsWith(NO_BINDING)) {
      gs2Header = NO_BINDING;
    } else if (clientFirst.startsWith(BINDING_UNSUPPORTED_BY_SERVER)) {
      gs2Header = BINDING_UNSUPPORTED_BY_SERVER;
    } else {
      // "p=..." (channel binding) was not offered, and an authzid is not supported, as in Postgres.
      throw new ProtocolViolation("unsupported SCRAM channel binding or authorization identity");
    }
    clientFirstBare = clientFirst.substring(gs2Header.length());
    ScramAttributes attributes = ScramAttributes.parse(clientFirstBare);
    attributes.require(0, 'n'); // Postgres ignores the SCRAM user name: the startup message's user counts
    String clientNonce = attributes.require(1, 'r');
    if (clientNonce.isEmpty() || attributes.size() != 2) {
      throw new ProtocolViolation("malformed SCRAM client-first-message");
    }
    nonce = clientNonce + ScramNonces.next();
    serverFirst = "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(verifier.salt()) + ",i="
        + verifier.iterations();
    return serverFirst;
  }

  /** Reads the client-final-message and checks its proof. */
  public Outcome onClientFinal(String clientFinal) throws ProtocolViolation {
    if (serverFirst == null) {
      throw new ProtocolViolation("SCRAM client-final-message before client-first-message");
    }
    int proofAt = clientFinal.lastIndexOf(",p=");
    if (proofAt < 0) {
      throw new ProtocolViolation("malformed SCRAM client-final-message: no proof");
    }
    String withoutProof = clientFinal.substring(0, proofAt);
    ScramAttributes attributes = ScramAttributes.parse(withoutProof);
    String binding = attributes.require(0, 'c');
    String finalNonce = attributes.require(1, 'r');
    if (!binding.equals(Base64.getEncoder().encodeToString(gs2Header.getBytes(StandardCharsets.US_ASCII)))) {
      throw new ProtocolViolation("SCRAM channel binding check failed");
    }
    if (!finalNonce.equals(nonce)) {
      throw new ProtocolViolation("SCRAM nonce mismatch");
    }
    byte[] proof;
    try {
      proof = Base64.getDecoder().decode(clientFinal.substring(proofAt + 3));
    } catch (IllegalArgumentException e) {
      throw new ProtocolViolation("malformed SCRAM client proof");
    }
    if (proof.length != ScramCrypto.KEY_BYTES) {
      throw new ProtocolViolation("malformed SCRAM client proof");
    }
    String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
    byte[] clientKey = ScramCrypto.xor(proof, ScramCrypto.hmac(verifier.storedKey(), authMessage));
    String serverFinal = "v=" + Base64.getEncoder().encodeToString(ScramCrypto.hmac(verifier.serverKey(), authMessage));
    return new Outcome(ScramVerifier.isClientKeyOf(clientKey, verifier) ? clientKey : null, serverFinal);
  }
}
