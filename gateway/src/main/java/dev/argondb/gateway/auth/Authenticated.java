package dev.argondb.gateway.auth;

import dev.argondb.scram.ScramVerifier;
import io.vertx.core.buffer.Buffer;

/**
 * A client the gateway authenticated: the endpoint it logs in to, its ClientKey (all the gateway needs to log
 * in to the compute with SCRAM) and the role's verifier; plus bytes the client sent after its last auth message.
 */
public record Authenticated(String endpoint, byte[] clientKey, ScramVerifier.Parts verifier, Buffer remaining) {
  @Override
  public String toString() {
    return "Authenticated[endpoint=" + endpoint + "]";
  }
}
