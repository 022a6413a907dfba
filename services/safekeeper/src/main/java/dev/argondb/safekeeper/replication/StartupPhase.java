package dev.argondb.safekeeper.replication;

import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;

/** From the startup packet to the first ReadyForQuery: authentication and server parameters. */
final class StartupPhase implements Phase {
  private final ReplicationConnection connection;
  private final String password;
  private final Promise<ReplicationConnection> ready;
  private ScramAuthenticator scram;
  private boolean serverVerified;

  StartupPhase(ReplicationConnection connection, String password, Promise<ReplicationConnection> ready) {
    this.connection = connection;
    this.password = password;
    this.ready = ready;
  }

  @Override
  public void onMessage(byte type, Buffer body) {
    switch (type) {
      case Authentication.TYPE -> onAuthentication(body);
      case BackendKeyData.TYPE -> { } // nothing to cancel on a walsender
      case ReadyForQuery.TYPE -> {
        connection.becomeIdle();
        ready.tryComplete(connection);
      }
      case ErrorResponse.TYPE -> throw ErrorResponse.parse(body);
      default -> throw new ReplicationException("unexpected message '" + (char) type + "' during startup");
    }
  }

  private void onAuthentication(Buffer body) {
    int code = Authentication.code(body);
    switch (code) {
      case Authentication.SASL -> {
        scram = new ScramAuthenticator(connection.vertx(), Authentication.mechanisms(body), password);
        connection.write(SaslInitialResponse.encode(ScramAuthenticator.MECHANISM, scram.clientFirstMessage()));
      }
      case Authentication.SASL_CONTINUE -> requireScram().clientFinalMessage(Authentication.saslData(body))
          .onSuccess(message -> connection.write(SaslResponse.encode(message)))
          .onFailure(e -> connection.fail(new ReplicationException("SCRAM failed: " + e.getMessage(), e)));
      case Authentication.SASL_FINAL -> {
        requireScram().verifyServerFinal(Authentication.saslData(body));
        serverVerified = true;
      }
      case Authentication.OK -> {
        if (scram != null && !serverVerified) {
          // A server that skips SASLFinal never proved it knows the password: do not trust it.
          throw new ReplicationException("server ended SCRAM without a server signature");
        }
      }
      case Authentication.CLEARTEXT_PASSWORD, Authentication.MD5_PASSWORD -> throw new ReplicationException(
          "server asks for " + (code == Authentication.MD5_PASSWORD ? "MD5" : "cleartext")
              + " password authentication; only SCRAM-SHA-256 is supported (pg_hba method scram-sha-256)");
      default -> throw new ReplicationException("unsupported authentication request " + code);
    }
  }

  private ScramAuthenticator requireScram() {
    if (scram == null) {
      throw new ReplicationException("SASL message before AuthenticationSASL");
    }
    return scram;
  }

  @Override
  public void onEnd(Throwable cause) {
    ready.tryFail(cause);
  }
}
