package dev.argondb.gateway;

import dev.argondb.gateway.auth.ScramClientExchange;
import dev.argondb.gateway.protocol.SaslInitialResponse;
import dev.argondb.gateway.protocol.SaslResponse;
import dev.argondb.gateway.protocol.StartupMessage;
import dev.argondb.scram.ScramVerifier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Logs in to the gateway over a {@link RawPgSocket} with SCRAM (the gateway's own client exchange, fed the
 * ClientKey of the password), stopping right after AuthenticationSASLFinal: the point where the gateway
 * starts waking the endpoint. Lets tests act between authentication and the compute login.
 */
final class RawScramClient {
  private RawScramClient() {}

  static void authenticate(RawPgSocket raw, Map<String, String> startup, String password, String verifier)
      throws Exception {
    ScramVerifier.Parts parts = ScramVerifier.parse(verifier);
    ScramClientExchange scram = new ScramClientExchange(ScramVerifier.clientKey(password, parts), parts);
    raw.send(new StartupMessage(StartupMessage.PROTOCOL_3_0, startup).encode().getBytes());
    expectAuthentication(raw, 10);
    raw.send(new SaslInitialResponse("SCRAM-SHA-256", scram.clientFirst()).encode().getBytes());
    String serverFirst = expectAuthentication(raw, 11);
    raw.send(new SaslResponse(scram.onServerFirst(serverFirst)).encode().getBytes());
    scram.onServerFinal(expectAuthentication(raw, 12));
  }

  private static String expectAuthentication(RawPgSocket raw, int code) throws IOException {
    int type = raw.readByte();
    int length = raw.readInt();
    if (type != 'R') {
      throw new AssertionError("expected an authentication message, got '" + (char) type + "'");
    }
    int actual = raw.readInt();
    if (actual != code) {
      throw new AssertionError("expected authentication code " + code + ", got " + actual);
    }
    byte[] rest = raw.readBytes(length - 8);
    return new String(rest, StandardCharsets.UTF_8);
  }
}
