package dev.argondb.gateway;

import io.vertx.core.net.SocketAddress;

/** Where a cancel request for a given backend key must go: the compute that issued the key. */
record CancelTarget(String endpoint, SocketAddress compute) {}
