package dev.argondb.gateway;

import dev.argondb.bus.EndpointAddress;
import dev.argondb.gateway.protocol.BackendKeyData;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;

/**
 * An authenticated server connection to a compute, with what a client must be told when it gets it: the
 * ParameterStatus messages of its login (valid again after {@code DISCARD ALL}) and the compute's cancel key.
 */
final class PooledBackend {
  final NetSocket socket;
  final EndpointAddress address;
  final BackendKeyData computeKey;
  final Buffer parameterStatus;
  long parkedAtMillis;

  PooledBackend(NetSocket socket, EndpointAddress address, BackendKeyData computeKey, Buffer parameterStatus) {
    this.socket = socket;
    this.address = address;
    this.computeKey = computeKey;
    this.parameterStatus = parameterStatus;
  }
}
