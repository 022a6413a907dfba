package dev.argondb.bus;

/** Where a running endpoint's compute listens. {@code started} is true when this wake started it. */
public record EndpointAddress(String endpointName, String endpointId, String tenantId, String host, int port,
                              boolean started) {}
