package dev.argondb.bus;

/** Where the pageserver serves basebackups over gRPC ({@code Pageserver.GetBasebackup}). */
public record PageserverRef(String host, int grpcPort) {}
