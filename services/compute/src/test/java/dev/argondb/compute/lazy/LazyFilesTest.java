package dev.argondb.compute.lazy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A data directory's lazy files on a real mount: served through links, then made whole or dropped. */
class LazyFilesTest {
  private static final int SIZE = 300 * LazyFile.BLOCK;
  private static LazyMount mount;

  @TempDir Path dir;
  private final byte[] original = new byte[SIZE];
  private final PageSource source = (path, offset, length) -> {
    int n = (int) Math.max(0, Math.min(length, original.length - offset));
    return Arrays.copyOfRange(original, (int) offset, (int) offset + n);
  };

  @BeforeAll
  static void mount() throws Exception {
    mount = LazyMount.mount();
  }

  @AfterAll
  static void unmount() throws Exception {
    mount.close();
  }

  private LazyFiles twoFiles(Path dataDir) throws Exception {
    new Random(3).nextBytes(original);
    Files.createDirectories(dataDir.resolve("base/5"));
    LazyFiles files = new LazyFiles(mount, source, dir.resolve("lazy"));
    files.add("base/5/16384", dataDir.resolve("base/5/16384"), SIZE);
    files.add("base/5/16385", dataDir.resolve("base/5/16385"), SIZE);
    return files;
  }

  @Test
  void materializingFetchesTheRestAndPutsWholeFilesWhereTheLinksWere() throws Exception {
    Path dataDir = dir.resolve("pgdata");
    LazyFiles files = twoFiles(dataDir);
    Path first = dataDir.resolve("base/5/16384");
    assertTrue(Files.isSymbolicLink(first));
    try (RandomAccessFile f = new RandomAccessFile(first.toFile(), "rw")) {
      f.seek(5L * LazyFile.BLOCK);
      f.write(new byte[] {1, 2, 3}); // a partial block: its other bytes stay the original's
    }
    assertFalse(files.isComplete());
    assertTrue(files.localBytes() > 0 && files.localBytes() < 2L * SIZE, "some blocks local: " + files.localBytes());
    Files.delete(dataDir.resolve("base/5/16385")); // Postgres dropped it: nothing to put back

    files.materialize();

    assertFalse(Files.isSymbolicLink(first), "an ordinary file now");
    byte[] expected = original.clone();
    expected[5 * LazyFile.BLOCK] = 1;
    expected[5 * LazyFile.BLOCK + 1] = 2;
    expected[5 * LazyFile.BLOCK + 2] = 3;
    assertArrayEquals(expected, Files.readAllBytes(first));
    assertFalse(Files.exists(dataDir.resolve("base/5/16385")));
    assertFalse(Files.exists(dir.resolve("lazy")), "no backing files are left: the directory may be reused");
    assertEquals(0, mount.fileCount(), "nothing served any more");
  }

  @Test
  void discardingStopsServingAndLeavesTheMarkerThatForbidsReuse() throws Exception {
    Path dataDir = dir.resolve("pgdata");
    LazyFiles files = twoFiles(dataDir);
    int served = mount.fileCount();

    files.discard();

    assertEquals(served - 2, mount.fileCount());
    assertTrue(Files.isDirectory(dir.resolve("lazy")), "the empty backing directory says: never reuse");
    try (var left = Files.list(dir.resolve("lazy"))) {
      assertEquals(0, left.count());
    }
    assertFalse(Files.exists(dataDir.resolve("base/5/16384")), "the link dangles");
  }
}
