package dev.argondb.safekeeper.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.argondb.pgformat.WalSegments;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WalSegmentStoreTest {
  @TempDir
  Path dataDir;

  @Test
  void writesAndReadsAcrossSegmentsAndTruncates() throws Exception {
    TimelineDirectory dir = TimelineDirectory.of(dataDir, TimelineControlFileTest.TENANT, TimelineControlFileTest.TIMELINE);
    byte[] data = new byte[3 * 1024 * 1024];
    new Random(1).nextBytes(data);
    long start = WalSegments.segmentStart(2) - 1024 * 1024; // 1 MB before segment 2 begins
    try (WalSegmentStore store = new WalSegmentStore(dir)) {
      store.write(start, ByteBuffer.wrap(data));
      store.sync();
      assertEquals(List.of(1L, 2L), dir.segmentNumbers());
      assertEquals(WalSegments.SEGMENT_SIZE, Files.size(dir.segmentFile(1)));
      assertEquals(WalSegments.SEGMENT_SIZE, Files.size(dir.segmentFile(2)));
      assertEquals("000000010000000000000002", dir.segmentFile(2).getFileName().toString());
      assertArrayEquals(data, store.read(start, start + data.length).array());
      // Never-written space reads as zeros.
      assertEquals(0, store.read(start + data.length, start + data.length + 1).get(0));

      long cut = WalSegments.segmentStart(1) + WalSegments.SEGMENT_SIZE - 100;
      store.truncateAfter(cut);
      assertEquals(List.of(1L), dir.segmentNumbers());
      byte[] kept = store.read(start, cut).array();
      assertArrayEquals(java.util.Arrays.copyOf(data, kept.length), kept);
      assertTrue(allZero(store.read(cut, WalSegments.segmentStart(2)).array()));
      assertThrows(NoSuchFileException.class, () -> store.read(WalSegments.segmentStart(2), WalSegments.segmentStart(2) + 8));
    }
    assertFalse(Files.list(dir.path()).anyMatch(p -> p.toString().endsWith(".init")));
  }

  /**
   * Past half a segment the next one is prepared in the background: a zero-filled file under a name that is not a
   * segment's, so it is never taken for WAL. The write that reaches that segment moves the file into place instead of
   * zero-filling a new one while commits wait. A truncation drops a preparation.
   */
  @Test
  void theNextSegmentIsPreparedAheadAndTakenWhenTheWalReachesIt() throws Exception {
    TimelineDirectory dir = TimelineDirectory.of(dataDir, TimelineControlFileTest.TENANT, TimelineControlFileTest.TIMELINE);
    byte[] data = new byte[4096];
    new Random(5).nextBytes(data);
    Path second = prepared(dir, 2);
    try (WalSegmentStore store = new WalSegmentStore(dir)) {
      store.write(WalSegments.segmentStart(1), ByteBuffer.wrap(data));
      assertFalse(Files.exists(second), "nothing prepared before half a segment");
      store.write(WalSegments.segmentStart(1) + WalSegments.SEGMENT_SIZE / 2, ByteBuffer.wrap(data));
      awaitFile(second);
      assertEquals(List.of(1L), dir.segmentNumbers(), "a prepared segment is not WAL");

      long crossing = WalSegments.segmentStart(2) - 100;
      store.write(crossing, ByteBuffer.wrap(data));
      store.sync();
      assertFalse(Files.exists(second), "the prepared file became segment 2");
      assertEquals(List.of(1L, 2L), dir.segmentNumbers());
      assertEquals(WalSegments.SEGMENT_SIZE, Files.size(dir.segmentFile(2)));
      assertArrayEquals(data, store.read(crossing, crossing + data.length).array());
      assertTrue(allZero(store.read(crossing + data.length, WalSegments.segmentStart(3)).array()));

      store.write(WalSegments.segmentStart(2) + WalSegments.SEGMENT_SIZE / 2, ByteBuffer.wrap(data));
      awaitFile(prepared(dir, 3));
      store.truncateAfter(crossing + data.length);
      assertFalse(Files.exists(prepared(dir, 3)), "a truncation drops what was prepared");
      assertEquals(List.of(1L, 2L), dir.segmentNumbers());
    }
  }

  private static Path prepared(TimelineDirectory dir, long segNo) {
    return dir.segmentFile(segNo).resolveSibling(dir.segmentFile(segNo).getFileName() + ".prealloc");
  }

  private static void awaitFile(Path file) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (!Files.exists(file)) {
      assertTrue(System.currentTimeMillis() < deadline, "prepared in the background: " + file);
      Thread.sleep(10);
    }
  }

  /**
   * Small appends at unaligned LSNs, as WAL arrives: each continues the block the last one ended in. Written
   * directly (O_DIRECT | O_DSYNC, whole blocks) where the filesystem allows it, and the WAL reads back the same
   * however it was written: after a reopen (the block's head read back from the file), after a truncation inside
   * a block, and with zeros after its end.
   */
  @Test
  void smallUnalignedAppendsReadBackAcrossReopenAndTruncation() throws Exception {
    TimelineDirectory dir = TimelineDirectory.of(dataDir, TimelineControlFileTest.TENANT, TimelineControlFileTest.TIMELINE);
    Random random = new Random(3);
    byte[] wal = new byte[300_000];
    random.nextBytes(wal);
    long start = WalSegments.segmentStart(1) + 40; // not on a block boundary
    int written = 0;
    try (WalSegmentStore store = new WalSegmentStore(dir)) {
      while (written < wal.length / 2) {
        int n = Math.min(1 + random.nextInt(9000), wal.length / 2 - written);
        store.write(start + written, ByteBuffer.wrap(wal, written, n));
        store.sync();
        written += n;
      }
      boolean direct = store.writesDirect();
      System.out.println("WAL segments written " + (direct ? "with direct I/O" : "through the page cache"));
      assertArrayEquals(java.util.Arrays.copyOf(wal, written), store.read(start, start + written).array());
    }
    try (WalSegmentStore reopened = new WalSegmentStore(dir)) {
      reopened.write(start + written, ByteBuffer.wrap(wal, written, 777));
      written += 777;
      reopened.sync();
      assertArrayEquals(java.util.Arrays.copyOf(wal, written), reopened.read(start, start + written).array());
      long cut = start + written - 5000;
      reopened.truncateAfter(cut);
      int kept = written - 5000;
      reopened.write(cut, ByteBuffer.wrap(wal, kept, wal.length - kept));
      reopened.sync();
      assertArrayEquals(wal, reopened.read(start, start + wal.length).array());
      assertTrue(allZero(reopened.read(start + wal.length, start + wal.length + 10_000).array()),
          "never-written space past the end stays zeros");
    }
  }

  static boolean allZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }
}
