package dev.argondb.compute.lazy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The block bookkeeping of a lazy file, over an in-memory original (the FUSE layer is LazyMountTest's). */
class LazyFileTest {
  private static final int BLOCK = LazyFile.BLOCK;
  private static final int BLOCKS = 300;

  @TempDir Path dir;
  private final byte[] original = new byte[BLOCKS * BLOCK];
  private final List<long[]> fetches = new ArrayList<>();
  private Runnable duringFetch = () -> {};

  @BeforeEach
  void fill() {
    new Random(11).nextBytes(original);
  }

  private final PageSource source = (path, offset, length) -> {
    fetches.add(new long[] {offset / BLOCK, length / BLOCK});
    duringFetch.run();
    int n = (int) Math.max(0, Math.min(length, original.length - offset));
    return Arrays.copyOfRange(original, (int) offset, (int) offset + n);
  };

  private LazyFile file() throws Exception {
    return new LazyFile("base/5/16384", original.length, source, dir.resolve("backing"), new LazyStats());
  }

  private byte[] read(LazyFile file, long offset, int length) throws Exception {
    ByteBuffer buffer = ByteBuffer.allocate(length);
    int n = file.read(offset, length, buffer);
    return Arrays.copyOf(buffer.array(), n);
  }

  private byte[] originalBlocks(int first, int count) {
    return Arrays.copyOfRange(original, first * BLOCK, (first + count) * BLOCK);
  }

  /**
   * A reply is gathered into a buffer of the power of two above it (plus gRPC and protobuf framing): that buffer
   * must stay under half the smallest G1 region (1 MB), or every fetch allocates a humongous object.
   */
  @Test
  void aFetchReplyFitsBelowHalfTheSmallestG1Region() {
    int reply = LazyFile.MAX_FETCH_BLOCKS * BLOCK + 64;
    assertTrue(Integer.highestOneBit(reply - 1) << 1 < 512 * 1024, "reply buffer of " + reply + " bytes");
  }

  @Test
  void aReadFetchesTheMissedBlockWithReadAheadOnceAndNothingBeforeIt() throws Exception {
    try (LazyFile file = file()) {
      assertEquals(original.length, Files.size(dir.resolve("backing")), "sparse backing file of the full size");
      assertArrayEquals(originalBlocks(10, 1), read(file, 10L * BLOCK, BLOCK));
      assertEquals(1, fetches.size());
      assertArrayEquals(new long[] {10, LazyFile.READ_AHEAD_BLOCKS}, fetches.get(0));
      int rest = LazyFile.READ_AHEAD_BLOCKS - 1;
      assertArrayEquals(originalBlocks(11, rest), read(file, 11L * BLOCK, rest * BLOCK));
      assertEquals(1, fetches.size(), "read-ahead blocks are local");
      assertArrayEquals(originalBlocks(0, 1), read(file, 0, BLOCK));
      assertEquals(2, fetches.size());
      assertArrayEquals(new long[] {0, 10}, fetches.get(1), "stops at the first block already local");
    }
  }

  @Test
  void aWholeBlockWriteFetchesNothingAndAPartialOneKeepsTheRestOfItsBlock() throws Exception {
    try (LazyFile file = file()) {
      byte[] page = new byte[BLOCK];
      Arrays.fill(page, (byte) 1);
      file.write(50L * BLOCK, ByteBuffer.wrap(page));
      assertEquals(0, fetches.size());
      assertArrayEquals(page, read(file, 50L * BLOCK, BLOCK));
      assertEquals(0, fetches.size(), "a written block is local");

      file.write(70L * BLOCK + 100, ByteBuffer.wrap(new byte[] {9, 9}));
      byte[] expected = originalBlocks(70, 1);
      expected[100] = 9;
      expected[101] = 9;
      assertArrayEquals(expected, read(file, 70L * BLOCK, BLOCK));
    }
  }

  @Test
  void aTruncatedFileExtendedAgainReadsZerosNotItsOriginal() throws Exception {
    try (LazyFile file = file()) {
      file.truncate(100L * BLOCK);
      assertEquals(0, read(file, 100L * BLOCK, BLOCK).length, "nothing past the end");
      file.allocate(100L * BLOCK, 50L * BLOCK);
      assertEquals(150L * BLOCK, file.size());
      assertArrayEquals(new byte[BLOCK], read(file, 120L * BLOCK, BLOCK));
      assertArrayEquals(originalBlocks(99, 1), read(file, 99L * BLOCK, BLOCK));
      assertTrue(fetches.stream().allMatch(f -> f[0] + f[1] <= 100), "nothing past the truncation is fetched");
    }
  }

  @Test
  void aBlockWrittenWhileItsFetchRanKeepsTheWrite() throws Exception {
    try (LazyFile file = file()) {
      byte[] page = new byte[BLOCK];
      Arrays.fill(page, (byte) 7);
      duringFetch = () -> {
        duringFetch = () -> {};
        try {
          file.write(205L * BLOCK, ByteBuffer.wrap(page)); // the fetch of 200.. runs without the lock
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      };
      assertArrayEquals(originalBlocks(200, 1), read(file, 200L * BLOCK, BLOCK));
      assertArrayEquals(page, read(file, 205L * BLOCK, BLOCK));
    }
  }

  @Test
  void fetchingTheRestMakesTheBackingFileTheWholeFile() throws Exception {
    try (LazyFile file = file()) {
      byte[] page = new byte[BLOCK];
      Arrays.fill(page, (byte) 3);
      file.write(0, ByteBuffer.wrap(page));
      file.write((long) BLOCKS * BLOCK, ByteBuffer.wrap(page)); // grown by a block
      assertFalse(file.isComplete());
      int runs = 0;
      while (file.fetchNext()) {
        runs++;
      }
      assertTrue(file.isComplete());
      assertEquals((BLOCKS - 1 + LazyFile.MAX_FETCH_BLOCKS - 1) / LazyFile.MAX_FETCH_BLOCKS, runs);
      byte[] expected = Arrays.copyOf(original, original.length + BLOCK);
      System.arraycopy(page, 0, expected, 0, BLOCK);
      System.arraycopy(page, 0, expected, original.length, BLOCK);
      assertArrayEquals(expected, Files.readAllBytes(dir.resolve("backing")));
    }
  }
}
