package dev.argondb.pageserver.index;

/** A commit or abort record: where it starts and ends, and its timestamp (Postgres microseconds). */
public record CommitEntry(long lsn, long endLsn, long xactTime, boolean commit) {}
