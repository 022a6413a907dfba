package dev.argondb.gateway;

import dev.argondb.gateway.auth.Authenticated;
import dev.argondb.gateway.auth.ScramClientExchange;
import dev.argondb.gateway.protocol.Authentication;
import dev.argondb.gateway.protocol.AuthenticationOk;
import dev.argondb.gateway.protocol.AuthenticationSasl;
import dev.argondb.gateway.protocol.AuthenticationSaslContinue;
import dev.argondb.gateway.protocol.AuthenticationSaslFinal;
import dev.argondb.gateway.protocol.BackendKeyData;
import dev.argondb.gateway.protocol.ErrorResponse;
import dev.argondb.gateway.protocol.ProtocolViolation;
import dev.argondb.gateway.protocol.ReadyForQuery;
import dev.argondb.gateway.protocol.SaslInitialResponse;
import dev.argondb.gateway.protocol.SaslResponse;
import dev.argondb.gateway.protocol.SqlState;
import dev.argondb.gateway.protocol.TypedMessage;
import dev.argondb.gateway.protocol.TypedMessageDecoder;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.util.function.Function;

/**
 * Logs an authenticated client in to its compute and relays the compute's startup messages, up to and with
 * the first ReadyForQuery:
 * <ol>
 *   <li>sends the client's StartupMessage (endpoint routing removed);</li>
 *   <li>answers the compute's SCRAM-SHA-256 exchange with the client's ClientKey. Any other method (cleartext,
 *   MD5, trust) is refused: a compute that does not verify SCRAM is misconfigured;</li>
 *   <li>forwards AuthenticationOk, ParameterStatus, notices etc., but replaces the compute's BackendKeyData with
 *   a key of the gateway (see {@link CancelKeys}).</li>
 * </ol>
 * After that the session relays raw bytes. Runs on the session's event loop.
 */
final class ComputeHandshake {
  /** The compute's startup messages are small; a bigger one means something is wrong. */
  private static final int MAX_MESSAGE_BYTES = 1024 * 1024;
  private static final byte NOTICE = 'N';
  private static final byte NEGOTIATE_PROTOCOL_VERSION = 'v';
  private static final byte PARAMETER_STATUS = 'S';

  private final NetSocket client;
  private final NetSocket compute;
  private final Authenticated auth;
  private final Function<BackendKeyData, BackendKeyData> keyReplacer;
  private final TypedMessageDecoder decoder = new TypedMessageDecoder(MAX_MESSAGE_BYTES);
  private final Promise<Void> done = Promise.promise();
  private final ScramClientExchange scram;
  private final Buffer parameterStatus = Buffer.buffer();
  private BackendKeyData computeKey;
  private boolean authenticated;
  private boolean ready;
  private Buffer trailing = Buffer.buffer();

  /**
   * @param keyReplacer given the compute's key, registers and returns the key the client gets instead
   */
  ComputeHandshake(NetSocket client, NetSocket compute, Authenticated auth,
                   Function<BackendKeyData, BackendKeyData> keyReplacer) {
    this.client = client;
    this.compute = compute;
    this.auth = auth;
    this.keyReplacer = keyReplacer;
    this.scram = new ScramClientExchange(auth.clientKey(), auth.verifier());
  }

  /** Completes once ReadyForQuery went to the client; the compute socket's handler is then free for the relay. */
  Future<Void> run(Buffer startupMessage) {
    compute.handler(this::onComputeBytes);
    compute.write(startupMessage);
    return done.future();
  }

  private void onComputeBytes(Buffer chunk) {
    if (done.future().isComplete()) {
      return;
    }
    decoder.append(chunk);
    Buffer toClient = Buffer.buffer();
    try {
      TypedMessage message;
      while (!ready && !done.future().isComplete() && (message = decoder.next()) != null) {
        handle(message, toClient);
      }
    } catch (ProtocolViolation violation) {
      fail(new SessionFailure(SqlState.CONNECTION_FAILURE, "cannot log in to the compute of endpoint \""
          + auth.endpoint() + "\": " + violation.getMessage(), ConnectionOutcome.COMPUTE_UNREACHABLE));
      return;
    }
    if (toClient.length() > 0 && !done.future().failed()) {
      client.write(toClient); // a failure carries these bytes itself
    }
    if (ready) {
      done.tryComplete(); // only now: the relay's first bytes to the client must come after ReadyForQuery
    }
  }

  /** The compute's ParameterStatus messages of this login, as a pooled backend replays them to later clients. */
  Buffer parameterStatus() {
    return parameterStatus;
  }

  /** What the compute sent after ReadyForQuery in the same read; the relay passes it on first. */
  Buffer trailing() {
    return trailing;
  }

  /** The compute's own cancel key, or null if it sent none. */
  BackendKeyData computeKey() {
    return computeKey;
  }

  private void handle(TypedMessage message, Buffer toClient) throws ProtocolViolation {
    byte type = message.type();
    if (type == ErrorResponse.TYPE) {
      fail(new SessionFailure(null, "the compute refused the connection", ConnectionOutcome.COMPUTE_UNREACHABLE,
          toClient.appendBuffer(message.encode())));
      return;
    }
    if (!authenticated) {
      if (type == Authentication.TYPE) {
        authenticate(message.body(), toClient);
      } else if (type == NOTICE || type == NEGOTIATE_PROTOCOL_VERSION) {
        toClient.appendBuffer(message.encode());
      } else {
        throw new ProtocolViolation("unexpected message type " + (char) type + " before authentication");
      }
      return;
    }
    if (type == BackendKeyData.TYPE && message.body().length() == BackendKeyData.BODY_LENGTH) {
      computeKey = new BackendKeyData(message.body().getInt(0), message.body().getInt(4));
      BackendKeyData ours = keyReplacer.apply(computeKey);
      toClient.appendBuffer(TypedMessage.encode(BackendKeyData.TYPE,
          Buffer.buffer(BackendKeyData.BODY_LENGTH).appendInt(ours.processId()).appendInt(ours.secretKey())));
      return;
    }
    if (type == PARAMETER_STATUS) {
      parameterStatus.appendBuffer(message.encode());
    }
    toClient.appendBuffer(message.encode());
    if (type == ReadyForQuery.TYPE) {
      // Bytes after ReadyForQuery (only asynchronous messages: the client's bytes are held back until now) are
      // the relay's: it reads them from the compute like everything after.
      trailing = decoder.takeRemaining();
      ready = true;
    }
  }

  private void authenticate(Buffer body, Buffer toClient) throws ProtocolViolation {
    int code = Authentication.code(body);
    switch (code) {
      case AuthenticationSasl.CODE -> {
        if (!AuthenticationSasl.mechanisms(body).contains(AuthenticationSasl.SCRAM_SHA_256)) {
          throw new ProtocolViolation("the compute does not offer SCRAM-SHA-256");
        }
        compute.write(new SaslInitialResponse(AuthenticationSasl.SCRAM_SHA_256, scram.clientFirst()).encode());
      }
      case AuthenticationSaslContinue.CODE ->
          compute.write(new SaslResponse(scram.onServerFirst(AuthenticationSaslContinue.data(body))).encode());
      case AuthenticationSaslFinal.CODE -> scram.onServerFinal(AuthenticationSaslFinal.data(body));
      case AuthenticationOk.CODE -> {
        authenticated = true;
        toClient.appendBuffer(AuthenticationOk.encode());
      }
      default -> throw new ProtocolViolation("the compute asks for authentication method " + code
          + "; computes must use SCRAM-SHA-256");
    }
  }

  private void fail(SessionFailure failure) {
    done.tryFail(new SessionRejected(failure));
  }
}
