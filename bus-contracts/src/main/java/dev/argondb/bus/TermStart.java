package dev.argondb.bus;

/**
 * One entry of a timeline's term history: WAL written under {@code term} starts at {@code lsn}.
 * Two safekeepers' WAL agree up to the first point where their histories differ.
 */
public record TermStart(long term, long lsn) {}
