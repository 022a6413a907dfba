package dev.argondb.bus;

/** Outcome of a {@link StopCompute}: {@code stopped} false with a reason when the compute was busy. */
public record ComputeStopped(String endpointId, boolean stopped, String reason) {}
