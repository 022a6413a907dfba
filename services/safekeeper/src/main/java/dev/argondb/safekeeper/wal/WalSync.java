package dev.argondb.safekeeper.wal;

import java.io.IOException;

/**
 * Makes the WAL written so far durable. {@link WalWriter} calls it once per batch, on a worker
 * thread; normally {@link WalSegmentStore#sync()}, replaced in tests to hold an fsync open.
 */
@FunctionalInterface
public interface WalSync {
  void fsync() throws IOException;
}
