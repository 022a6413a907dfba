package dev.argondb.bus;

/** Event: one gateway instance now relays {@code activeConnections} client connections to an endpoint. */
public record EndpointConnections(String gatewayId, String endpointName, int activeConnections, long atEpochMillis) {}
