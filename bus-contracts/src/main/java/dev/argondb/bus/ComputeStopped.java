package dev.argondb.bus;

/**
 * Outcome of a {@link StopCompute}: {@code stopped} false with a reason when the compute was busy.
 * {@code endLsn} is where the stopped compute's WAL ends (its shutdown checkpoint), 0 if unknown.
 */
public record ComputeStopped(String endpointId, boolean stopped, String reason, long endLsn) {}
