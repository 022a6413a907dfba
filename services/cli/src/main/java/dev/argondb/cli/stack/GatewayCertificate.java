package dev.argondb.cli.stack;

import dev.argondb.cli.ArgonHome;
import dev.argondb.gateway.GatewayConfig;
import dev.argondb.gateway.TlsCertificates;
import java.io.IOException;
import java.util.List;

/**
 * The local stack's self-signed gateway certificate in the Argon home. Its names cover
 * {@code *.argon.local} (SNI routing: {@code host=main.argon.local hostaddr=127.0.0.1}), {@code localhost} and
 * {@code 127.0.0.1}, so {@code sslmode=verify-full sslrootcert=<home>/tls/gateway.crt} works for all three.
 */
public final class GatewayCertificate {
  private GatewayCertificate() {}

  /** Generates the certificate and key (blocking, a fraction of a second). */
  public static void generate(ArgonHome home) throws IOException {
    TlsCertificates.generateSelfSigned(home.tlsCertFile(), home.tlsKeyFile(),
        TlsCertificates.localNames(GatewayConfig.DEFAULT_SNI_DOMAIN), List.of("127.0.0.1"));
  }
}
