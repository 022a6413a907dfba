package dev.argondb.bus;

/**
 * Stops (suspends) an endpoint's compute. With {@code onlyIfIdle} the agent refuses while any client
 * backend is connected, so the idle policy never cuts off a direct connection or a running query.
 */
public record StopCompute(String endpointId, boolean onlyIfIdle) {}
