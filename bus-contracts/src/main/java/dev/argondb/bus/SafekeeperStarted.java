package dev.argondb.bus;

/** Event: a safekeeper process started (or restarted) and serves gRPC at {@code ref}. */
public record SafekeeperStarted(SafekeeperRef ref) {}
