package dev.argondb.gateway;

import dev.argondb.bus.EndpointAddress;
import dev.argondb.gateway.GatewayMetrics.Direction;
import dev.argondb.gateway.protocol.BackendKeyData;
import dev.argondb.gateway.protocol.BackendStartupScanner;
import dev.argondb.gateway.protocol.CancelRequest;
import dev.argondb.gateway.protocol.GssEncRequest;
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
import io.vertx.core.net.SocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection, from its first byte to its close: reads the startup packets, finds and wakes
 * the endpoint, connects to its compute, forwards the startup message and then relays bytes both ways.
 * A cancel request is forwarded to the compute that issued its key instead. Runs on the gateway
 * verticle's event loop; every step is a callback, nothing blocks.
 */
final class ClientSession {
  private static final Logger LOG = LoggerFactory.getLogger(ClientSession.class);

  private enum Phase {
    /** Reading SSLRequest / GSSENCRequest / StartupMessage / CancelRequest. */
    STARTUP,
    WAKING,
    CONNECTING,
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
  private boolean sslRefused;
  private boolean gssRefused;
  private String endpoint = GatewayMetrics.NO_ENDPOINT;
  private ConnectionOutcome outcome;
  private NetSocket compute;
  private BackendKeyData backendKey;
  private CancelTarget cancelTarget;

  ClientSession(ProxyServices services, NetSocket client) {
    this.services = services;
    this.client = client;
    this.decoder = new StartupPacketDecoder(services.config().maxStartupPacketBytes());
  }

  void start() {
    services.metrics().clientConnected();
    client.handler(this::onStartupBytes);
    client.closeHandler(closed -> onClientClosed());
    client.exceptionHandler(error -> {
      LOG.debug("client {} failed: {}", client.remoteAddress(), error.toString());
      client.close();
    });
    startupTimer = services.vertx().setTimer(services.config().startupTimeoutMillis(), id -> onStartupTimeout());
  }

  // ---- startup phase ------------------------------------------------------------------------------

  private void onStartupBytes(Buffer chunk) {
    if (phase != Phase.STARTUP) {
      return; // bytes after an error or a cancel request mean nothing
    }
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
      if (sslRefused) {
        throw new ProtocolViolation("SSL negotiation requested twice");
      }
      sslRefused = true;
      client.write(SslRequest.refusal());
    } else if (packet instanceof GssEncRequest) {
      if (gssRefused) {
        throw new ProtocolViolation("GSSAPI encryption negotiation requested twice");
      }
      gssRefused = true;
      client.write(GssEncRequest.refusal());
    } else if (packet instanceof CancelRequest cancel) {
      forwardCancel(cancel);
    } else if (packet instanceof StartupMessage startup) {
      route(startup);
    }
  }

  private void onStartupTimeout() {
    if (phase == Phase.STARTUP) {
      LOG.debug("client {} sent no startup message in time", client.remoteAddress());
      outcome(ConnectionOutcome.STARTUP_TIMEOUT);
      phase = Phase.REJECTED;
      client.close();
    }
  }

  private void endStartupPhase() {
    services.vertx().cancelTimer(startupTimer);
    // Nothing more is read until the compute is connected: its bytes belong to the compute.
    client.pause();
  }

  // ---- routing and wake ---------------------------------------------------------------------------

  private void route(StartupMessage startup) throws ProtocolViolation {
    endStartupPhase();
    EndpointSelection selection = StartupOptions.extractEndpoint(startup.options());
    String named = selection.endpoint() != null ? selection.endpoint() : services.config().defaultEndpoint();
    if (named == null) {
      reject(new SessionFailure(SqlState.PROTOCOL_VIOLATION,
          "no endpoint specified: pass options=endpoint=<name> (in a URL: ?options=endpoint%3D<name>)",
          ConnectionOutcome.UNKNOWN_ENDPOINT));
      return;
    }
    endpoint = named;
    Buffer forwarded = startup.withOptions(selection.remainingOptions()).encode()
        .appendBuffer(decoder.takeRemaining());
    phase = Phase.WAKING;
    services.metrics().wakeWaitStarted();
    services.waker().wake(endpoint).onComplete(woken -> {
      services.metrics().wakeWaitEnded();
      onWoken(woken, forwarded);
    });
  }

  private void onWoken(AsyncResult<EndpointAddress> woken, Buffer forwarded) {
    if (phase != Phase.WAKING) {
      return; // the client left while the endpoint woke
    }
    if (woken.failed()) {
      reject(WakeFailures.describe(endpoint, woken.cause(), services.config().wakeTimeoutMillis()));
      return;
    }
    EndpointAddress address = woken.result();
    phase = Phase.CONNECTING;
    services.computeClient().connect(address.port(), address.host()).onComplete(connected -> {
      if (connected.failed()) {
        if (phase == Phase.CONNECTING) {
          reject(new SessionFailure(SqlState.CONNECTION_FAILURE, "cannot connect to the compute of endpoint \""
              + endpoint + "\" at " + address.host() + ":" + address.port() + ": " + connected.cause().getMessage(),
              ConnectionOutcome.COMPUTE_UNREACHABLE));
        }
      } else if (phase != Phase.CONNECTING) {
        connected.result().close();
      } else {
        relay(connected.result(), SocketAddress.inetSocketAddress(address.port(), address.host()), forwarded);
      }
    });
  }

  // ---- relay ----------------------------------------------------------------------------------------

  private void relay(NetSocket computeSocket, SocketAddress computeAddress, Buffer forwarded) {
    phase = Phase.RELAYING;
    compute = computeSocket;
    compute.closeHandler(closed -> onComputeClosed());
    compute.exceptionHandler(error -> {
      LOG.debug("compute connection of endpoint {} failed: {}", endpoint, error.toString());
      compute.close();
    });
    BackendStartupScanner scanner = new BackendStartupScanner(key -> rememberBackendKey(key, computeAddress));
    ByteRelay.start(compute, client, services.metrics().relayedBytes(endpoint, Direction.COMPUTE_TO_CLIENT),
        chunk -> {
          if (!scanner.done()) {
            scanner.scan(chunk);
          }
        });
    ByteRelay.start(client, compute, services.metrics().relayedBytes(endpoint, Direction.CLIENT_TO_COMPUTE), null);
    compute.write(forwarded);
    outcome(ConnectionOutcome.RELAYED);
    services.activity().connectionOpened(endpoint);
    client.resume();
  }

  private void rememberBackendKey(BackendKeyData key, SocketAddress computeAddress) {
    if (backendKey != null) {
      services.cancelKeys().unregister(backendKey, cancelTarget);
    }
    backendKey = key;
    cancelTarget = new CancelTarget(endpoint, computeAddress);
    services.cancelKeys().register(key, cancelTarget);
  }

  // ---- cancel -------------------------------------------------------------------------------------

  private void forwardCancel(CancelRequest cancel) {
    endStartupPhase();
    phase = Phase.CANCELLING;
    CancelTarget target = services.cancelKeys().lookup(cancel.key());
    outcome(ConnectionOutcome.CANCEL, target == null ? GatewayMetrics.NO_ENDPOINT : target.endpoint());
    if (target == null) {
      // Like Postgres: no answer to a cancel request, whether or not the key matched.
      client.close();
      return;
    }
    services.computeClient().connect(target.compute())
        .compose(socket -> socket.write(cancel.encode()).eventually(socket::close))
        .onComplete(sent -> {
          if (sent.failed()) {
            LOG.warn("cannot forward a cancel request to endpoint {} at {}: {}", target.endpoint(), target.compute(),
                sent.cause().toString());
          }
          // Closed only now, so a client waiting for the close knows the compute has the request.
          client.close();
        });
  }

  // ---- endings ------------------------------------------------------------------------------------

  private void reject(SessionFailure failure) {
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
    client.end(failure.errorResponse());
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
    if (backendKey != null) {
      services.cancelKeys().unregister(backendKey, cancelTarget);
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
    // A name no endpoint has is the client's free text: as a label it would let clients mint series.
    outcome(result, result == ConnectionOutcome.UNKNOWN_ENDPOINT ? GatewayMetrics.NO_ENDPOINT : endpoint);
  }

  private void outcome(ConnectionOutcome result, String endpointTag) {
    outcome = result;
    services.metrics().connectionOutcome(endpointTag, result);
  }
}
