package dev.argondb.gateway;

import dev.argondb.bus.RoleVerifier;
import dev.argondb.gateway.auth.Authenticated;
import dev.argondb.gateway.auth.PasswordForm;
import dev.argondb.gateway.auth.MockVerifier;
import dev.argondb.gateway.auth.ScramServerExchange;
import dev.argondb.gateway.protocol.AuthenticationCleartextPassword;
import dev.argondb.gateway.protocol.AuthenticationSasl;
import dev.argondb.gateway.protocol.AuthenticationSaslContinue;
import dev.argondb.gateway.protocol.AuthenticationSaslFinal;
import dev.argondb.gateway.protocol.PasswordMessage;
import dev.argondb.gateway.protocol.ProtocolViolation;
import dev.argondb.gateway.protocol.SaslInitialResponse;
import dev.argondb.gateway.protocol.SaslResponse;
import dev.argondb.gateway.protocol.SqlState;
import dev.argondb.gateway.protocol.TypedMessage;
import dev.argondb.gateway.protocol.TypedMessageDecoder;
import dev.argondb.scram.ScramVerifier;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.util.List;

/**
 * Authenticates one client at the gateway against its role's verifier from the control plane, before any
 * compute is woken. Two ways:
 * <ul>
 *   <li>SCRAM-SHA-256 when the endpoint is known (SNI or options): the client's proof yields its ClientKey;</li>
 *   <li>a cleartext password when it is not, only over TLS or loopback: the password may carry the endpoint
 *   ({@code endpoint=<name>;<password>}); it is hashed off the event loop and then forgotten.</li>
 * </ul>
 * Only the expected message is accepted at each step: anything else (another StartupMessage, a query, a
 * message of the wrong type) ends the connection, so nothing can slip past authentication.
 */
final class ClientAuthenticator {
  /** Auth messages are a few hundred bytes; anything near this is an attack on memory. */
  static final int MAX_AUTH_MESSAGE_BYTES = 8 * 1024;

  private enum Step { WAITING_FOR_GATEWAY, SASL_INITIAL, SASL_FINAL, PASSWORD, DONE }

  private final ProxyServices services;
  private final NetSocket client;
  private final String role;
  private final TypedMessageDecoder decoder = new TypedMessageDecoder(MAX_AUTH_MESSAGE_BYTES);
  private final Promise<Authenticated> result = Promise.promise();
  private Step step = Step.WAITING_FOR_GATEWAY;
  private String endpoint;
  private ScramVerifier.Parts verifier;
  private boolean roleExists;
  private ScramServerExchange scram;

  ClientAuthenticator(ProxyServices services, NetSocket client, String role) {
    this.services = services;
    this.client = client;
    this.role = role;
  }

  /** SCRAM against the role of {@code knownEndpoint}. */
  Future<Authenticated> startScram(String knownEndpoint) {
    endpoint = knownEndpoint;
    lookUpVerifier().onComplete(found -> {
      if (found.failed()) {
        fail(found.cause());
        return;
      }
      scram = new ScramServerExchange(verifier);
      step = Step.SASL_INITIAL;
      client.write(AuthenticationSasl.encode(List.of(AuthenticationSasl.SCRAM_SHA_256)));
      drain();
    });
    return result.future();
  }

  /** A cleartext password, which may name the endpoint; only over TLS or loopback (the caller checks). */
  Future<Authenticated> startCleartext() {
    step = Step.PASSWORD;
    client.write(AuthenticationCleartextPassword.encode());
    return result.future();
  }

  void onBytes(Buffer chunk) {
    if (step == Step.DONE) {
      return;
    }
    decoder.append(chunk);
    drain();
  }

  private void drain() {
    try {
      TypedMessage message;
      while (step != Step.DONE && step != Step.WAITING_FOR_GATEWAY) {
        int type = decoder.peekType();
        if (type >= 0 && type != (SaslResponse.TYPE & 0xFF)) {
          // Judged by its first byte: a StartupMessage here (first byte 0) must not wait for a length it fakes.
          throw new ProtocolViolation("expected an authentication response, got message type " + describe(type));
        }
        if ((message = decoder.next()) == null) {
          break;
        }
        handle(message);
      }
      if (step == Step.WAITING_FOR_GATEWAY && decoder.hasRemaining()) {
        // Nothing was asked of the client yet: whatever it sends now is out of turn.
        throw new ProtocolViolation("unexpected message during authentication");
      }
    } catch (ProtocolViolation violation) {
      fail(new SessionRejected(new SessionFailure(violation.sqlState(), violation.getMessage(),
          ConnectionOutcome.PROTOCOL_ERROR)));
    }
  }

  private void handle(TypedMessage message) throws ProtocolViolation {
    switch (step) {
      case SASL_INITIAL -> {
        SaslInitialResponse initial = SaslInitialResponse.parse(message.body());
        if (!initial.mechanism().equals(AuthenticationSasl.SCRAM_SHA_256)) {
          throw new ProtocolViolation(SqlState.PROTOCOL_VIOLATION,
              "client selected an invalid SASL authentication mechanism");
        }
        client.write(AuthenticationSaslContinue.encode(scram.onClientFirst(initial.data())));
        step = Step.SASL_FINAL;
      }
      case SASL_FINAL -> {
        ScramServerExchange.Outcome outcome = scram.onClientFinal(SaslResponse.parse(message.body()).data());
        if (!outcome.authenticated() || !roleExists) {
          passwordFailed(roleExists ? "wrong_password" : "unknown_role");
          return;
        }
        client.write(AuthenticationSaslFinal.encode(outcome.serverFinal()));
        succeed(outcome.clientKey());
      }
      case PASSWORD -> onPassword(PasswordMessage.parse(message.body()));
      default -> throw new ProtocolViolation("unexpected message during authentication");
    }
  }

  private static String describe(int type) {
    return type >= 0x21 && type < 0x7F ? "'" + (char) type + "'" : Integer.toString(type);
  }

  private void onPassword(PasswordMessage message) {
    step = Step.WAITING_FOR_GATEWAY;
    PasswordForm form = PasswordForm.parse(message.password());
    endpoint = form.endpoint() != null ? form.endpoint() : services.config().defaultEndpoint();
    if (endpoint == null) {
      fail(new SessionRejected(new SessionFailure(SqlState.PROTOCOL_VIOLATION, ClientSession.NO_ENDPOINT_HELP,
          ConnectionOutcome.UNKNOWN_ENDPOINT)));
      return;
    }
    lookUpVerifier()
        // PBKDF2 over the password: milliseconds of CPU, never on the event loop.
        .compose(found -> services.vertx().executeBlocking(() -> ScramVerifier.clientKey(form.password(), verifier),
            false))
        .onComplete(derived -> {
          if (derived.failed()) {
            fail(derived.cause());
          } else if (!roleExists || !ScramVerifier.isClientKeyOf(derived.result(), verifier)) {
            passwordFailed(roleExists ? "wrong_password" : "unknown_role");
          } else {
            succeed(derived.result());
          }
        });
  }

  private Future<Void> lookUpVerifier() {
    return services.verifiers().lookup(endpoint, role)
        .recover(failure -> Future.failedFuture(new SessionRejected(
            WakeFailures.describe(endpoint, failure, services.config().wakeTimeoutMillis()))))
        .compose(found -> {
          roleExists = found.scramVerifier() != null;
          try {
            verifier = roleExists ? ScramVerifier.parse(found.scramVerifier()) : MockVerifier.forRole(role);
          } catch (IllegalArgumentException malformed) {
            return Future.failedFuture(new SessionRejected(new SessionFailure(SqlState.INVALID_PASSWORD,
                passwordFailedMessage(), ConnectionOutcome.AUTH_FAILED)));
          }
          return Future.<Void>succeededFuture();
        });
  }

  private void passwordFailed(String reason) {
    services.metrics().authFailure(endpoint, reason);
    fail(new SessionRejected(new SessionFailure(SqlState.INVALID_PASSWORD, passwordFailedMessage(),
        ConnectionOutcome.AUTH_FAILED)));
  }

  /** As Postgres words it; the same for an unknown role, so a client cannot probe for role names. */
  private String passwordFailedMessage() {
    return "password authentication failed for user \"" + role + "\"";
  }

  private void succeed(byte[] clientKey) {
    step = Step.DONE;
    result.tryComplete(new Authenticated(endpoint, clientKey, verifier, decoder.takeRemaining()));
  }

  private void fail(Throwable cause) {
    step = Step.DONE;
    result.tryFail(cause);
  }

  /** The endpoint being authenticated for, once known (for metrics and errors). */
  String endpoint() {
    return endpoint;
  }

  /** For {@link RoleVerifier} lookups that never answer: the session's startup timer ends those. */
  boolean finished() {
    return step == Step.DONE;
  }
}
