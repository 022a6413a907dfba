package dev.argondb.loadtests;

import dev.argondb.pgformat.WalSegments;
import dev.argondb.pgruntime.PgFiles;
import dev.argondb.safekeeper.wal.TimelineDirectory;
import dev.argondb.safekeeper.wal.WalSegmentStore;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * What a commit waits for when the WAL enters a new segment. A safekeeper's WAL store takes 8 KB durable appends
 * (write + sync, as the WAL writer does per batch) across SEGMENTS segments, in the temporary directory. The table compares the first append of each new segment, where the next segment is
 * prepared in the background and only moved into place, with ordinary appends, and with the baseline: what the
 * writer waited for before, a 16 MB segment zero-filled and fsynced on its own thread.
 */
public final class WalSegmentBenchmark {
  private static final int APPEND = 8192;

  private WalSegmentBenchmark() {}

  public static void main(String[] args) throws Exception {
    int segments = args.length > 0 ? Integer.parseInt(args[0]) : 6;
    Path root = Files.createTempDirectory("argon-bench-wal-segments-");
    try {
      TimelineDirectory dir = TimelineDirectory.of(root, "0123456789abcdef0123456789abcdef",
          "fedcba9876543210fedcba9876543210");
      byte[] wal = new byte[APPEND];
      new Random(1).nextBytes(wal);
      List<Long> ordinary = new ArrayList<>();
      List<Long> firstOfSegment = new ArrayList<>();
      int appends = segments * (WalSegments.SEGMENT_SIZE / APPEND);
      try (WalSegmentStore store = new WalSegmentStore(dir)) {
        long lsn = WalSegments.segmentStart(1);
        for (int i = 0; i < appends; i++) {
          long started = System.nanoTime();
          store.write(lsn, ByteBuffer.wrap(wal));
          store.sync();
          long took = System.nanoTime() - started;
          // The very first segment is created on the spot: nothing was there to prepare it.
          if (i > 0) {
            (WalSegments.segmentOffset(lsn) == 0 ? firstOfSegment : ordinary).add(took);
          }
          lsn += APPEND;
          Thread.sleep(0, 200_000); // WAL arrives over time, not in one burst
          if (i % (appends / 10) == 0) {
            System.err.printf("appended %d of %d MB%n", (long) i * APPEND >> 20, (long) appends * APPEND >> 20);
          }
        }
      }
      List<Long> zeroFilled = new ArrayList<>();
      for (int i = 0; i < segments - 1; i++) {
        zeroFilled.add(zeroFillSegment(root.resolve("baseline-" + i)));
      }

      System.out.println();
      System.out.printf("8 KB durable appends across %d WAL segments (%s)%n", segments,
          Files.getFileStore(root).type());
      System.out.println("Baseline: a segment zero-filled and fsynced on the writer thread (before preallocation)");
      System.out.println();
      System.out.printf("%-58s %8s %8s %8s %10s%n", "what a commit waits for", "p50 ms", "max ms", "count",
          "/baseline");
      double baseline = median(zeroFilled);
      print("ordinary append", ordinary, baseline);
      print("first append of a new segment (prepared in background)", firstOfSegment, baseline);
      print("baseline: zero-fill + fsync of a 16 MB segment", zeroFilled, baseline);
    } finally {
      PgFiles.deleteRecursively(root);
    }
  }

  /** The former wait: what {@code WalSegmentStore} wrote before the first WAL could enter a segment. */
  private static long zeroFillSegment(Path file) throws Exception {
    long started = System.nanoTime();
    WalSegmentStore.writeZeroSegment(file);
    return System.nanoTime() - started;
  }

  private static double median(List<Long> nanos) {
    List<Long> sorted = new ArrayList<>(nanos);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2) / 1e6;
  }

  private static void print(String label, List<Long> nanos, double baselineMillis) {
    double p50 = median(nanos);
    System.out.printf("%-58s %8.2f %8.2f %8d %9.2fx%n", label, p50, Collections.max(nanos) / 1e6, nanos.size(),
        p50 / baselineMillis);
  }
}
