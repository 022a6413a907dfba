/**
 * A safekeeper's durable WAL storage, per timeline: {@link dev.argondb.safekeeper.wal.TimelineDirectory}
 * (layout), {@link dev.argondb.safekeeper.wal.TimelineControlFile} (term, history, LSNs),
 * {@link dev.argondb.safekeeper.wal.WalSegmentStore} (blocking segment I/O, truncation, end recovery)
 * and {@link dev.argondb.safekeeper.wal.WalWriter} (event-loop group commit that acks after fsync).
 *
 * <p>Typical open of a timeline, on a worker: load the control file, {@code findEnd(lastKnownBoundary)}
 * (e.g. the last term start or the control file's commit LSN), {@code truncateAfter(end)} to drop a
 * torn tail, then create a {@code WalWriter} at {@code end} on the timeline's event loop.
 */
package dev.argondb.safekeeper.wal;
