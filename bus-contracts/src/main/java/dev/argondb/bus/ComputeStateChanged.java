package dev.argondb.bus;

/** Event: an endpoint's compute entered {@code state}; host and port are set while it runs. */
public record ComputeStateChanged(String endpointId, ComputeState state, String host, int port, String detail) {}
