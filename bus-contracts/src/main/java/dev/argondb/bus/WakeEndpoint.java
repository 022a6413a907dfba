package dev.argondb.bus;

/** Asks the control plane to make an endpoint reachable, starting its compute if it is suspended. */
public record WakeEndpoint(String endpointName) {}
