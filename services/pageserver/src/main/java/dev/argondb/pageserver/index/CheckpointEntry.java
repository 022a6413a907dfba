package dev.argondb.pageserver.index;

/** A checkpoint record of a timeline's WAL: where it starts and ends, and its redo point. */
public record CheckpointEntry(long lsn, long endLsn, long redoLsn, boolean shutdown) {}
