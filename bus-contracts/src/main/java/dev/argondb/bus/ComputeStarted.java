package dev.argondb.bus;

/** A running compute: its address, how long the start took, and whether it already ran before the request. */
public record ComputeStarted(String endpointId, String host, int port, long startMillis, boolean alreadyRunning) {}
