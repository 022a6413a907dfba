package dev.argondb.gateway;

import dev.argondb.bus.EndpointAddress;
import dev.argondb.gateway.GatewayMetrics.Direction;
import dev.argondb.gateway.auth.Authenticated;
import dev.argondb.gateway.protocol.BackendKeyData;
import dev.argondb.gateway.protocol.CancelRequest;
import dev.argondb.gateway.protocol.GssEncRequest;
import dev.argondb.gateway.protocol.MessageFramer;
import dev.argondb.gateway.protocol.ReadyForQuery;
import dev.argondb.gateway.protocol.ProtocolViolation;
import dev.argondb.gateway.protocol.SqlState;
import dev.argondb.gateway.protocol.SslRequest;
import dev.argondb.gateway.protocol.StartupMessage;
import dev.argondb.gateway.protocol.StartupOptions;
import dev.argondb.gateway.protocol.StartupOptions.EndpointSelection;
import dev.argondb.gateway.protocol.StartupPacket;
import dev.argondb.gateway.protocol.StartupPacketDecoder;
import io.vertx.core.AsyncResult;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection, from its first byte to its close:
 * <ol>
 *   <li>startup packets: SSLRequest (TLS upgrade when configured), GSSENCRequest (refused), CancelRequest
 *   (forwarded through the cluster-wide cancel map), StartupMessage;</li>
 *   <li>routing: TLS SNI {@code <endpoint>.<domain>}, then {@code options=endpoint=<name>}, then the
 *   {@code endpoint=<name>;<password>} password form, then the default endpoint;</li>
 *   <li>authentication at the gateway ({@link ClientAuthenticator}), bounded by the startup timeout;</li>
 *   <li>a pooled backend of the same endpoint, role and startup parameters ({@link ServerConnectionPool}), else
 *   wake (or the remembered address of a running endpoint), connect, log in to the compute with the client's
 *   ClientKey ({@link ComputeHandshake});</li>
 *   <li>relay of raw bytes both ways; a Terminate on an idle backend gives the backend back to the pool.</li>
 * </ol>
 * Runs on its verticle's event loop; every step is a callback, nothing blocks.
 *
 * <p>A client that leaves while its endpoint wakes does not cancel the wake: the compute finishes starting
 * (another client may be waiting on the same wake), and the idle policy suspends it after its timeout.
 */
final class ClientSession {
  private static final Logger LOG = LoggerFactory.getLogger(ClientSession.class);
  static final String NO_ENDPOINT_HELP = "no endpoint specified: connect with TLS to <endpoint>.<domain>, pass"
      + " options=endpoint=<name> (in a URL: ?options=endpoint%3D<name>) or the password endpoint=<name>;<password>";

  private static final byte IDLE = 'I';
  private static final byte TERMINATE = 'X';
  private static final byte QUERY = 'Q';
  private static final byte SYNC = 'S';
  private static final byte FUNCTION_CALL = 'F';

  private enum Phase {
    /** Reading SSLRequest / GSSENCRequest / StartupMessage / CancelRequest. */
    STARTUP,
    AUTHENTICATING,
    WAKING,
    CONNECTING,
    /** Logging in to the compute and relaying its startup messages. */
    COMPUTE_LOGIN,
    RELAYING,
    CANCELLING,
    /** An error was sent; waiting for the socket to close. */
    REJECTED,
    CLOSED
  }

  private final ProxyServices services;
  private final NetSocket client;
  private final StartupPacketDecoder decoder;
  private Phase phase = Phase.STARTUP;
  private long startupTimer;
  private boolean sslRequested;
  private boolean gssRefused;
  private boolean tls;
  private String serverName;
  private String endpoint = GatewayMetrics.NO_ENDPOINT;
  private ConnectionOutcome outcome;
  private ClientAuthenticator authenticator;
  private boolean holdsSlot;
  private Buffer pendingClientBytes = Buffer.buffer();
  private NetSocket compute;
  private BackendKeyData issuedKey;
  private StartupMessage forwardedStartup;
  private PoolKey poolKey;
  /** Where the compute runs, its cancel key and login ParameterStatus: what pooling this backend needs. */
  private EndpointAddress computeAddress;
  private BackendKeyData computeKey;
  private Buffer parameterStatus;
  // Relay state, to know whether the backend is idle when the client says goodbye (see onClientRelayBytes).
  private final MessageFramer clientFramer = new MessageFramer();
  private final MessageFramer computeFramer = new MessageFramer();
  private final MessageFramer.Listener clientMessages = this::onClientMessage;
  private final MessageFramer.Listener computeMessages = this::onComputeMessage;
  /** Queries and Syncs sent whose ReadyForQuery has not come back yet. */
  private int awaitingReady;
  /** Extended-protocol messages sent since the last Sync: the backend holds unsynced state. */
  private boolean unsynced;
  /** The transaction status of the last ReadyForQuery. */
  private byte transactionStatus = IDLE;
  private int chunkLength;
  private int terminateOffset;
  private RelayLatency latency;
  private io.micrometer.core.instrument.Counter toClientBytes;
  private io.micrometer.core.instrument.Counter toComputeBytes;

  ClientSession(ProxyServices services, NetSocket client) {
    this.services = services;
    this.client = client;
    this.decoder = new StartupPacketDecoder(services.config().maxStartupPacketBytes());
  }

  void start() {
    services.metrics().clientConnected();
    client.handler(this::onClientBytes);
    client.closeHandler(closed -> onClientClosed());
    client.exceptionHandler(error -> {
      LOG.debug("client {} failed: {}", client.remoteAddress(), error.toString());
      client.close();
    });
    startupTimer = services.vertx().setTimer(services.config().startupTimeoutMillis(), id -> onStartupTimeout());
  }

  private void onClientBytes(Buffer chunk) {
    switch (phase) {
      case STARTUP -> onStartupBytes(chunk);
      case AUTHENTICATING -> authenticator.onBytes(chunk);
      // The socket is paused; a chunk already read is kept for the compute (bounded: one read).
      case WAKING, CONNECTING, COMPUTE_LOGIN -> pendingClientBytes.appendBuffer(chunk);
      default -> { } // bytes after an error or a cancel request mean nothing
    }
  }

  // ---- startup phase ------------------------------------------------------------------------------

  private void onStartupBytes(Buffer chunk) {
    decoder.append(chunk);
    try {
      StartupPacket packet;
      while (phase == Phase.STARTUP && (packet = decoder.next()) != null) {
        handle(packet);
      }
    } catch (ProtocolViolation violation) {
      reject(new SessionFailure(violation.sqlState(), violation.getMessage(), ConnectionOutcome.PROTOCOL_ERROR));
    }
  }

  private void handle(StartupPacket packet) throws ProtocolViolation {
    if (packet instanceof SslRequest) {
      negotiateTls();
    } else if (packet instanceof GssEncRequest) {
      if (gssRefused) {
        throw new ProtocolViolation("GSSAPI encryption negotiation requested twice");
      }
      gssRefused = true;
      client.write(GssEncRequest.refusal());
    } else if (packet instanceof CancelRequest cancel) {
      forwardCancel(cancel);
    } else if (packet instanceof StartupMessage startup) {
      onStartupMessage(startup);
    }
  }

  private void negotiateTls() throws ProtocolViolation {
    if (sslRequested) {
      throw new ProtocolViolation("SSL negotiation requested twice");
    }
    sslRequested = true;
    if (!services.config().tlsEnabled()) {
      client.write(SslRequest.refusal());
      return;
    }
    if (decoder.hasRemaining()) {
      // Plain bytes after SSLRequest would be taken as sent under TLS (CVE-2021-23214): refuse them.
      throw new ProtocolViolation("received unencrypted data after SSL request");
    }
    // Writes 'S', then installs TLS in that write's listener: no race with the client's ClientHello.
    client.upgradeToSsl(SslRequest.acceptance()).onComplete(upgraded -> {
      if (upgraded.failed()) {
        LOG.debug("TLS handshake with {} failed: {}", client.remoteAddress(), upgraded.cause().toString());
        if (phase == Phase.STARTUP) {
          outcome(ConnectionOutcome.PROTOCOL_ERROR);
          phase = Phase.REJECTED;
        }
        client.close();
        return;
      }
      tls = true;
      serverName = client.indicatedServerName();
    });
  }

  private void onStartupTimeout() {
    if (phase == Phase.STARTUP || phase == Phase.AUTHENTICATING) {
      LOG.debug("client {} did not log in within the startup timeout", client.remoteAddress());
      outcome(ConnectionOutcome.STARTUP_TIMEOUT);
      phase = Phase.REJECTED;
      client.close();
    }
  }

  // ---- routing and authentication -----------------------------------------------------------------

  private void onStartupMessage(StartupMessage startup) throws ProtocolViolation {
    services.metrics().startup(tls);
    boolean loopback = isLoopback();
    if (services.config().requireTls() && !tls && !loopback) {
      reject(new SessionFailure(SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
          "TLS is required: connect with sslmode=require or stricter", ConnectionOutcome.TLS_REQUIRED));
      return;
    }
    EndpointSelection selection = StartupOptions.extractEndpoint(startup.options());
    String sniEndpoint = SniRouting.endpoint(serverName, services.config().sniDomain());
    String named = sniEndpoint != null ? sniEndpoint : selection.endpoint();
    forwardedStartup = startup.withOptions(selection.remainingOptions());
    Buffer forwarded = forwardedStartup.encode();
    phase = Phase.AUTHENTICATING;
    authenticator = new ClientAuthenticator(services, client, startup.user());
    if (named != null) {
      endpoint = named;
      authenticator.startScram(named).onComplete(done -> onAuthenticated(done, forwarded));
    } else if (tls || loopback) {
      // Only a password can name the endpoint now; asking for it in clear is safe only over TLS or loopback.
      authenticator.startCleartext().onComplete(done -> onAuthenticated(done, forwarded));
    } else if (services.config().defaultEndpoint() != null) {
      endpoint = services.config().defaultEndpoint();
      authenticator.startScram(endpoint).onComplete(done -> onAuthenticated(done, forwarded));
    } else {
      reject(new SessionFailure(SqlState.PROTOCOL_VIOLATION, NO_ENDPOINT_HELP, ConnectionOutcome.UNKNOWN_ENDPOINT));
      return;
    }
    authenticator.onBytes(decoder.takeRemaining());
  }

  private boolean isLoopback() {
    try {
      return InetAddress.getByName(client.remoteAddress().hostAddress()).isLoopbackAddress();
    } catch (UnknownHostException | RuntimeException e) {
      return false; // a literal address never needs a lookup; anything odd is treated as remote
    }
  }

  private void onAuthenticated(AsyncResult<Authenticated> result, Buffer forwarded) {
    if (phase != Phase.AUTHENTICATING) {
      return; // timed out or closed meanwhile
    }
    if (authenticator.endpoint() != null) {
      endpoint = authenticator.endpoint();
    }
    String address = client.remoteAddress().hostAddress();
    if (result.failed()) {
      SessionFailure failure = result.cause() instanceof SessionRejected rejected ? rejected.failure()
          : new SessionFailure(SqlState.CANNOT_CONNECT_NOW, "authentication failed: " + result.cause().getMessage(),
              ConnectionOutcome.WAKE_FAILED);
      long delay = failure.outcome() == ConnectionOutcome.AUTH_FAILED ? services.throttle().failed(address) : 0;
      if (delay == 0) {
        reject(failure);
      } else {
        phase = Phase.REJECTED; // nothing more is read while the answer is held back
        services.vertx().setTimer(delay, id -> reject(failure));
      }
      return;
    }
    services.throttle().succeeded(address);
    services.vertx().cancelTimer(startupTimer);
    if (!services.limiter().tryAcquire(endpoint)) {
      reject(new SessionFailure(SqlState.TOO_MANY_CONNECTIONS, "too many connections for endpoint \"" + endpoint
          + "\" (limit " + services.limiter().maxPerEndpoint() + " per gateway)", ConnectionOutcome.TOO_MANY_CONNECTIONS));
      return;
    }
    holdsSlot = true;
    Authenticated auth = result.result();
    // Nothing more is read until the compute is connected: the client's bytes belong to the compute.
    client.pause();
    pendingClientBytes.appendBuffer(auth.remaining());
    poolKey = PoolKey.of(endpoint, forwardedStartup);
    if (!services.pool().enabled()) {
      connect(auth, forwarded);
      return;
    }
    phase = Phase.CONNECTING;
    services.pool().take(poolKey).onComplete(taken -> {
      PooledBackend backend = taken.succeeded() ? taken.result() : null;
      services.metrics().poolCheckout(backend != null);
      if (phase != Phase.CONNECTING) {
        if (backend != null) {
          services.pool().giveBack(poolKey, backend); // the client left meanwhile: the next one may have it
        }
      } else if (backend != null) {
        reuse(backend);
      } else {
        connect(auth, forwarded);
      }
    });
  }

  // ---- a pooled backend ------------------------------------------------------------------------------

  /** Logs the client in on a pooled backend: the startup answers the compute gave its first client, replayed. */
  private void reuse(PooledBackend backend) {
    compute = backend.socket;
    computeAddress = backend.address;
    computeKey = backend.computeKey;
    parameterStatus = backend.parameterStatus;
    watchCompute();
    BackendKeyData ours = issueCancelKey(computeKey, computeAddress);
    client.write(Buffer.buffer(64 + parameterStatus.length())
        .appendBuffer(dev.argondb.gateway.protocol.AuthenticationOk.encode())
        .appendBuffer(parameterStatus)
        .appendByte(BackendKeyData.TYPE).appendInt(4 + BackendKeyData.BODY_LENGTH)
        .appendInt(ours.processId()).appendInt(ours.secretKey())
        .appendByte(ReadyForQuery.TYPE).appendInt(5).appendByte(IDLE));
    relay(Buffer.buffer());
  }

  // ---- wake and compute login ---------------------------------------------------------------------

  /** A fresh backend: at the endpoint's known address when it runs, else after a wake. */
  private void connect(Authenticated auth, Buffer forwarded) {
    EndpointAddress known = services.waker().knownAddress(endpoint);
    if (known != null) {
      connectTo(known, true, auth, forwarded);
    } else {
      wake(auth, forwarded);
    }
  }

  private void wake(Authenticated auth, Buffer forwarded) {
    phase = Phase.WAKING;
    services.metrics().wakeWaitStarted();
    services.waker().wake(endpoint).onComplete(woken -> {
      services.metrics().wakeWaitEnded();
      onWoken(woken, auth, forwarded);
    });
  }

  private void onWoken(AsyncResult<EndpointAddress> woken, Authenticated auth, Buffer forwarded) {
    if (phase != Phase.WAKING) {
      return; // the client left while the endpoint woke
    }
    if (woken.failed()) {
      reject(WakeFailures.describe(endpoint, woken.cause(), services.config().wakeTimeoutMillis()));
      return;
    }
    connectTo(woken.result(), false, auth, forwarded);
  }

  /** @param remembered the address came from the waker's memory: on failure, forget it and wake instead */
  private void connectTo(EndpointAddress address, boolean remembered, Authenticated auth, Buffer forwarded) {
    phase = Phase.CONNECTING;
    services.computeClient().connect(address.port(), address.host()).onComplete(connected -> {
      if (connected.failed()) {
        if (phase != Phase.CONNECTING) {
          return;
        }
        services.waker().forget(endpoint);
        if (remembered) {
          wake(auth, forwarded); // the compute moved or stopped and we missed the event: ask the control plane
        } else {
          reject(new SessionFailure(SqlState.CONNECTION_FAILURE, "cannot connect to the compute of endpoint \""
              + endpoint + "\" at " + address.host() + ":" + address.port() + ": " + connected.cause().getMessage(),
              ConnectionOutcome.COMPUTE_UNREACHABLE));
        }
      } else if (phase != Phase.CONNECTING) {
        connected.result().close();
      } else {
        logIn(connected.result(), address, auth, forwarded);
      }
    });
  }

  private void logIn(NetSocket computeSocket, EndpointAddress address, Authenticated auth, Buffer forwarded) {
    phase = Phase.COMPUTE_LOGIN;
    compute = computeSocket;
    computeAddress = address;
    watchCompute();
    ComputeHandshake handshake = new ComputeHandshake(client, compute, auth,
        key -> issueCancelKey(key, address));
    handshake.run(forwarded).onComplete(loggedIn -> {
      if (phase != Phase.COMPUTE_LOGIN) {
        return;
      }
      if (loggedIn.failed()) {
        SessionFailure failure = ((SessionRejected) loggedIn.cause()).failure();
        if (failure.computeError() == null) {
          LOG.warn("cannot log in to the compute of endpoint {}: {}", endpoint, failure.message());
          services.waker().forget(endpoint); // perhaps not the compute we think it is
        }
        reject(failure);
      } else {
        computeKey = handshake.computeKey();
        parameterStatus = handshake.parameterStatus();
        relay(handshake.trailing());
      }
    });
  }

  private void watchCompute() {
    compute.closeHandler(closed -> onComputeClosed());
    compute.exceptionHandler(error -> {
      LOG.debug("compute connection of endpoint {} failed: {}", endpoint, error.toString());
      compute.close();
    });
  }

  /** Gives the client a key of the gateway's, mapped cluster-wide to the compute's key and address. */
  private BackendKeyData issueCancelKey(BackendKeyData computeKey, EndpointAddress address) {
    if (issuedKey != null) {
      services.cancelKeys().unregister(issuedKey);
    }
    issuedKey = CancelKeys.newKey();
    services.cancelKeys().register(issuedKey, new CancelTarget(endpoint, address.host(), address.port(), computeKey))
        .onFailure(failure -> LOG.warn("cannot register a cancel key: {}", failure.toString()));
    return issuedKey;
  }

  // ---- relay ----------------------------------------------------------------------------------------

  /**
   * Relays raw bytes both ways, watching message boundaries (without buffering) so that a client leaving with
   * Terminate while its backend is idle can hand the backend to the pool instead of closing it.
   *
   * @param fromCompute bytes the compute sent right after its login, passed on first
   */
  private void relay(Buffer fromCompute) {
    phase = Phase.RELAYING;
    latency = new RelayLatency(services.metrics().relayLatency(endpoint));
    toClientBytes = services.metrics().relayedBytes(endpoint, Direction.COMPUTE_TO_CLIENT);
    toComputeBytes = services.metrics().relayedBytes(endpoint, Direction.CLIENT_TO_COMPUTE);
    compute.handler(this::onComputeRelayBytes);
    client.handler(this::onClientRelayBytes);
    outcome(ConnectionOutcome.RELAYED);
    services.activity().connectionOpened(endpoint);
    if (fromCompute.length() > 0) {
      onComputeRelayBytes(fromCompute);
    }
    Buffer early = pendingClientBytes;
    pendingClientBytes = null;
    if (early.length() > 0) {
      onClientRelayBytes(early);
    }
    if (phase == Phase.RELAYING) {
      client.resume();
    }
  }

  private void onComputeRelayBytes(Buffer chunk) {
    computeFramer.feed(chunk, computeMessages);
    latency.computeAnswered();
    toClientBytes.increment(chunk.length());
    forward(chunk, compute, client);
  }

  private void onClientRelayBytes(Buffer chunk) {
    chunkLength = chunk.length();
    terminateOffset = -1;
    clientFramer.feed(chunk, clientMessages);
    if (terminateOffset == 0 && backendIdle()) {
      park();
      return;
    }
    latency.clientSent();
    toComputeBytes.increment(chunk.length());
    forward(chunk, client, compute);
  }

  /** Writes with back-pressure: a full destination pauses the source until it drains. */
  private static void forward(Buffer chunk, NetSocket from, NetSocket to) {
    to.write(chunk);
    if (to.writeQueueFull()) {
      from.pause();
      to.drainHandler(drained -> from.resume());
    }
  }

  private void onClientMessage(byte type, int headerOffset, int bodyLength, int firstByte) {
    if (type == TERMINATE) {
      // Poolable only as the whole chunk: a Terminate alone, after everything else was answered.
      terminateOffset = headerOffset == 0 && bodyLength == 0 && chunkLength == 5 ? 0 : -2;
    } else if (type == QUERY || type == SYNC || type == FUNCTION_CALL) {
      awaitingReady++;
      unsynced = false;
    } else {
      unsynced = true;
    }
  }

  private void onComputeMessage(byte type, int headerOffset, int bodyLength, int firstByte) {
    if (type == ReadyForQuery.TYPE) {
      awaitingReady = Math.max(0, awaitingReady - 1);
      transactionStatus = (byte) firstByte;
    }
  }

  /**
   * The backend has nothing in flight and no transaction open: everything the client sent was answered, the
   * last answer said "idle" and no message of the compute is half through. Such a backend can be reset and pooled.
   */
  private boolean backendIdle() {
    return services.pool().enabled() && computeKey != null && parameterStatus != null
        && awaitingReady == 0 && !unsynced && transactionStatus == IDLE
        && !clientFramer.lost() && computeFramer.atBoundary();
  }

  /** The client said goodbye on an idle backend: the pool resets and keeps it; the client's session ends. */
  private void park() {
    NetSocket backend = compute;
    compute = null; // the session's endings no longer touch it
    backend.handler(null);
    backend.closeHandler(null);
    backend.exceptionHandler(null);
    backend.drainHandler(null);
    client.handler(null);
    client.drainHandler(null);
    services.pool().giveBack(poolKey, new PooledBackend(backend, computeAddress, computeKey, parameterStatus));
    client.close();
  }

  // ---- cancel -------------------------------------------------------------------------------------

  private void forwardCancel(CancelRequest cancel) {
    services.vertx().cancelTimer(startupTimer);
    client.pause();
    phase = Phase.CANCELLING;
    services.cancelKeys().lookup(cancel.key()).onComplete(found -> {
      CancelTarget target = found.succeeded() ? found.result() : null;
      outcome(ConnectionOutcome.CANCEL, target == null ? GatewayMetrics.NO_ENDPOINT : target.endpoint());
      if (target == null) {
        // Like Postgres: no answer to a cancel request, whether or not the key matched.
        client.close();
        return;
      }
      services.computeClient().connect(target.port(), target.host())
          .compose(socket -> socket.write(new CancelRequest(target.computeKey()).encode()).eventually(socket::close))
          .onComplete(sent -> {
            if (sent.failed()) {
              LOG.warn("cannot forward a cancel request to endpoint {} at {}:{}: {}", target.endpoint(),
                  target.host(), target.port(), sent.cause().toString());
            }
            // Closed only now, so a client waiting for the close knows the compute has the request.
            client.close();
          });
    });
  }

  // ---- endings ------------------------------------------------------------------------------------

  private void reject(SessionFailure failure) {
    if (phase == Phase.CLOSED) {
      return;
    }
    ConnectionOutcome result = failure.outcome();
    if (result == ConnectionOutcome.WAKE_FAILED || result == ConnectionOutcome.COMPUTE_UNREACHABLE) {
      // Our side failed the client: worth an operator's attention, unlike a client's own mistakes.
      LOG.warn("rejecting client {}: {} {}", client.remoteAddress(), failure.sqlState(), failure.message());
    } else {
      LOG.debug("rejecting client {} (endpoint {}): {} {}", client.remoteAddress(), endpoint, failure.sqlState(),
          failure.message());
    }
    services.vertx().cancelTimer(startupTimer);
    phase = Phase.REJECTED;
    outcome(failure.outcome());
    if (compute != null) {
      compute.close();
    }
    client.end(failure.errorResponse()).onComplete(ended -> client.close());
  }

  private void onClientClosed() {
    if (compute != null) {
      compute.close();
    }
    finish();
  }

  private void onComputeClosed() {
    client.close();
    finish();
  }

  /** Runs once, when either side closed: releases everything this connection held. */
  private void finish() {
    if (phase == Phase.CLOSED) {
      return;
    }
    boolean wasRelaying = phase == Phase.RELAYING;
    phase = Phase.CLOSED;
    services.vertx().cancelTimer(startupTimer);
    if (issuedKey != null) {
      services.cancelKeys().unregister(issuedKey);
    }
    if (holdsSlot) {
      services.limiter().release(endpoint);
    }
    if (wasRelaying) {
      services.activity().connectionClosed(endpoint);
    }
    if (outcome == null) {
      outcome(ConnectionOutcome.ABANDONED);
    }
    services.metrics().clientDisconnected();
  }

  private void outcome(ConnectionOutcome result) {
    // A name no endpoint has came from the client: as a tag it would let anyone grow the metrics without bound.
    outcome(result, result == ConnectionOutcome.UNKNOWN_ENDPOINT ? GatewayMetrics.NO_ENDPOINT : endpoint);
  }

  private void outcome(ConnectionOutcome result, String endpointTag) {
    outcome = result;
    services.metrics().connectionOutcome(endpointTag, result);
  }
}
