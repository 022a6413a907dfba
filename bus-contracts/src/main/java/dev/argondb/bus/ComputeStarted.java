package dev.argondb.bus;

/**
 * A running compute: its address, how long the start took (of which {@code basebackupMillis} fetching its
 * data directory from the pageserver; 0 when a kept directory was reused) and whether it already ran
 * before the request.
 */
public record ComputeStarted(String endpointId, String host, int port, long startMillis, boolean alreadyRunning,
                             long basebackupMillis) {}
