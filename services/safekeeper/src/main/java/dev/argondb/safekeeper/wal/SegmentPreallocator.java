package dev.argondb.safekeeper.wal;

import dev.argondb.pgformat.Lsn;
import dev.argondb.pgformat.WalSegments;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepares a timeline's next WAL segment (16 MB of zeros, fsynced) in the background, as Postgres preallocates
 * its WAL files. Otherwise the WAL writer would zero-fill each segment when its first WAL arrives, while the
 * commits of that batch wait (10-20 ms on an idle disk here, every 16 MB).
 *
 * <p>The file is prepared under a temporary name that is not a segment name, so it is never taken for WAL. Only
 * the store's own thread (the timeline's WAL writer) renames it into place, so a rename never races with a
 * truncation or a deletion. A file that a crash leaves behind is overwritten by the next preparation of that
 * segment. One thread prepares for every timeline: each timeline needs one segment per 16 MB of WAL.
 */
final class SegmentPreallocator {
  private static final Logger LOG = LoggerFactory.getLogger(SegmentPreallocator.class);
  private static final String SUFFIX = ".prealloc";
  private static final ExecutorService PREPARER = Executors.newSingleThreadExecutor(r -> {
    Thread thread = new Thread(r, "wal-segment-preallocator");
    thread.setDaemon(true);
    return thread;
  });

  private final TimelineDirectory dir;
  /** The segment being (or already) prepared, or -1. */
  private long segNo = -1;
  /** The last segment {@link #prepare} was asked for: it looks at the disk once per segment, not per write. */
  private long asked = -1;
  private CompletableFuture<Path> prepared;

  SegmentPreallocator(TimelineDirectory dir) {
    this.dir = dir;
  }

  /** Starts preparing {@code next} unless it exists, is prepared or is under way already. */
  void prepare(long next) {
    if (next == asked) {
      return;
    }
    asked = next;
    if (Files.exists(dir.segmentFile(next))) {
      return;
    }
    dropPrepared();
    segNo = next;
    Path tmp = dir.segmentFile(next).resolveSibling(dir.segmentFile(next).getFileName() + SUFFIX);
    prepared = CompletableFuture.supplyAsync(() -> {
      try {
        WalSegmentStore.writeZeroSegment(tmp);
        return tmp;
      } catch (IOException e) {
        throw new CompletionException(e);
      }
    }, PREPARER);
  }

  /**
   * Moves the prepared segment {@code wanted} into place at {@code target} (waiting for it if it is still being
   * written) and returns true; false if it was not prepared, or its preparation failed (logged), so the caller
   * creates it itself. The caller fsyncs the directory.
   */
  boolean takeInto(long wanted, Path target) throws IOException {
    if (segNo != wanted) {
      return false;
    }
    Path tmp;
    try {
      tmp = prepared.join();
    } catch (CompletionException e) {
      LOG.warn("Preparing WAL segment {} of {}/{} failed; creating it now", Lsn.format(WalSegments.segmentStart(wanted)),
          dir.tenantId(), dir.timelineId(), e.getCause());
      segNo = -1;
      prepared = null;
      return false;
    }
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    segNo = -1;
    prepared = null;
    return true;
  }

  /** Drops any preparation (the WAL was cut, or the store closes): waits for it and deletes its file. */
  void discard() {
    dropPrepared();
    asked = -1;
  }

  private void dropPrepared() {
    if (prepared == null) {
      return;
    }
    try {
      Files.deleteIfExists(prepared.join());
    } catch (CompletionException | IOException e) {
      LOG.debug("discarding a prepared WAL segment: {}", e.toString());
    }
    segNo = -1;
    prepared = null;
  }
}
