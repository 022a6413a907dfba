package dev.argondb.bus;

/**
 * A running compute: its address, how long the start took, whether it already ran before the request,
 * and where its timeline's WAL starts when this start created the timeline (a fresh initdb; else 0).
 */
public record ComputeStarted(String endpointId, String host, int port, long startMillis, boolean alreadyRunning,
                             long timelineStartLsn) {}
