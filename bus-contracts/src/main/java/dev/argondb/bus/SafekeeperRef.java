package dev.argondb.bus;

/** Where a safekeeper serves WAL over gRPC. */
public record SafekeeperRef(String id, String host, int grpcPort) {}
