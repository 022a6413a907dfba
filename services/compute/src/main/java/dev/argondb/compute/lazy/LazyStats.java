package dev.argondb.compute.lazy;

import java.util.concurrent.atomic.LongAdder;

/** Counts of what lazy files fetched, for the agent's metrics and logs. Thread-safe. */
public final class LazyStats {
  private final LongAdder misses = new LongAdder();
  private final LongAdder prefetches = new LongAdder();
  private final LongAdder bytes = new LongAdder();
  private final LongAdder fetchNanos = new LongAdder();

  void missed() {
    misses.increment();
  }

  void prefetched() {
    prefetches.increment();
  }

  void fetched(long count, long nanos) {
    bytes.add(count);
    fetchNanos.add(nanos);
  }

  /** Time spent waiting for fetches, all threads together. */
  public long fetchNanos() {
    return fetchNanos.sum();
  }

  /** Fetches a read waited for (a block that was not local yet). */
  public long misses() {
    return misses.sum();
  }

  /** Fetches of the background prefetch. */
  public long prefetches() {
    return prefetches.sum();
  }

  public long bytesFetched() {
    return bytes.sum();
  }
}
