package dev.argondb.pageserver.pages;

import dev.argondb.pageserver.image.ImageChain;
import dev.argondb.pageserver.image.PinnedChain;
import dev.argondb.pageserver.timeline.Timeline;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The image chains GetPages reads, kept open (their images pinned on local disk) between requests: a compute asks
 * for pages at one (timeline, LSN) again and again over its life, and opening a chain through the layer cache takes
 * two worker hand-offs. Measured on 8 KB requests, a chain opened per request added 0.03-0.06 ms to each one sent
 * alone, but 0.3-1 ms (3-4 times the request's own time) with 16 in flight, as a compute's reads and prefetch send
 * them: the hand-offs queue for workers. A chain is opened on first use, shared by the requests for its key, and
 * closed (unpinned, so the cache may evict and GC delete its images again) once unused for {@code idleMillis}, and by
 * {@link #close()}. So a deleted timeline's chain is let go within that; a timeline re-created under the same id is
 * another {@link Timeline} (keys hold the object, which has identity equality) and never reads its predecessor's
 * chain. Thread-safe.
 */
public final class PageReadChains implements AutoCloseable {
  /** How long a chain no request uses stays open: longer than a compute's pauses between reads, mostly. */
  public static final long IDLE_MILLIS = 30_000;

  private record Key(Timeline timeline, long lsn) {}

  private static final class Open {
    final Future<PinnedChain> chain;
    int users;
    long idleSince = System.nanoTime();

    Open(Future<PinnedChain> chain) {
      this.chain = chain;
    }
  }

  private final Vertx vertx;
  private final BiFunction<Timeline, Long, Future<PinnedChain>> chains;
  private final long idleMillis;
  private final Map<Key, Open> open = new HashMap<>();
  private long sweepTimer = -1;
  private boolean closed;

  /**
   * {@code chains} opens the chain a timeline sees at an LSN, pinned until closed (the one basebackups use). Idle
   * chains are looked for on a Vert.x timer every half {@code idleMillis}, while any chain is open.
   */
  public PageReadChains(Vertx vertx, BiFunction<Timeline, Long, Future<PinnedChain>> chains, long idleMillis) {
    if (idleMillis < 2) {
      throw new IllegalArgumentException("idleMillis must be at least 2, got " + idleMillis);
    }
    this.vertx = vertx;
    this.chains = chains;
    this.idleMillis = idleMillis;
  }

  /**
   * Runs {@code reading} on the chain {@code timeline} sees at {@code lsn}, opening it unless open already; the chain
   * stays open (pinned) at least until the future {@code reading} returns completes.
   */
  public <T> Future<T> read(Timeline timeline, long lsn, Function<ImageChain, Future<T>> reading) {
    Key key = new Key(timeline, lsn);
    Open entry;
    synchronized (this) {
      if (closed) {
        return Future.failedFuture(new IllegalStateException("the pageserver is stopping"));
      }
      entry = open.computeIfAbsent(key, k -> new Open(chains.apply(k.timeline(), k.lsn())));
      entry.users++;
      if (sweepTimer == -1) {
        sweepTimer = vertx.setPeriodic(idleMillis / 2, id -> sweep());
      }
    }
    return entry.chain.compose(pinned -> reading.apply(pinned.chain()))
        .onComplete(done -> release(key, entry));
  }

  /** Chains open now (opening ones included). */
  public synchronized int size() {
    return open.size();
  }

  private void release(Key key, Open entry) {
    boolean closeIt;
    synchronized (this) {
      entry.users--;
      entry.idleSince = System.nanoTime();
      // A chain that failed to open is forgotten, so the next request tries again (a download may work then).
      closeIt = entry.chain.failed() || closed && entry.users == 0;
      if (closeIt) {
        open.remove(key, entry);
      }
    }
    if (closeIt) {
      closeChain(entry);
    }
  }

  private void sweep() {
    List<Open> idle = new ArrayList<>();
    synchronized (this) {
      long now = System.nanoTime();
      for (Iterator<Open> it = open.values().iterator(); it.hasNext(); ) {
        Open entry = it.next();
        if (entry.users == 0 && now - entry.idleSince >= idleMillis * 1_000_000) {
          it.remove();
          idle.add(entry);
        }
      }
      if (open.isEmpty()) {
        stopSweeping();
      }
    }
    idle.forEach(PageReadChains::closeChain);
  }

  /** Closes every chain no request uses now, the others as soon as their requests end; later reads are refused. */
  @Override
  public void close() {
    List<Open> unused = new ArrayList<>();
    synchronized (this) {
      closed = true;
      stopSweeping();
      for (Iterator<Open> it = open.values().iterator(); it.hasNext(); ) {
        Open entry = it.next();
        if (entry.users == 0) {
          it.remove();
          unused.add(entry);
        }
      }
    }
    unused.forEach(PageReadChains::closeChain);
  }

  private void stopSweeping() {
    if (sweepTimer != -1) {
      vertx.cancelTimer(sweepTimer);
      sweepTimer = -1;
    }
  }

  private static void closeChain(Open entry) {
    entry.chain.onSuccess(PinnedChain::close);
  }
}
