package dev.argondb.pageserver.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.argondb.pgruntime.PgFiles;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Delta images over a full one, on data-directory-shaped files: a chain materializes exactly the directory
 * each delta was made from (changed, dropped, truncated, truncated-and-regrown, new and re-created relation
 * files), stores only what changed, and an unfinished image is never listed.
 */
class DeltaImageTest {
  private static final int PAGE = DataDirFiles.PAGE_SIZE;
  private static final FileTime UNTOUCHED = FileTime.fromMillis(946_684_800_000L);
  private static final String TIMELINE = "11111111111111111111111111111111";

  private Path root;
  private ImageStore store;

  @BeforeEach
  void setUp() throws IOException {
    root = Files.createTempDirectory("argon-delta-image-");
    store = new ImageStore(root.resolve("images"));
  }

  @AfterEach
  void tearDown() throws IOException {
    PgFiles.deleteRecursively(root);
  }

  @Test
  void aChainOfDeltasMaterializesEachVersionAndStoresOnlyChangedPages() throws Exception {
    Path fullData = root.resolve("images").resolve("0000000001000000").resolve("pgdata");
    writePages(fullData.resolve("base/5/100"), 'a', 3);
    writePages(fullData.resolve("base/5/200"), 'b', 2);
    writePages(fullData.resolve("base/5/300"), 'c', 4);
    writePages(fullData.resolve("base/5/400"), 'd', 2);
    writePages(fullData.resolve("base/5/400_fsm"), 'f', 3);
    writePages(fullData.resolve("global/1262"), 'g', 1);
    write(fullData.resolve("PG_VERSION"), "17\n".getBytes());
    write(fullData.resolve("base/5/PG_VERSION"), "17\n".getBytes());
    write(fullData.resolve("pg_xact/0000"), new byte[PAGE]);
    write(fullData.resolve("postmaster.pid"), "leftover".getBytes());
    Files.createDirectories(fullData.resolve("pg_wal/archive_status"));
    write(fullData.resolve("pg_wal/000000010000000000000001"), new byte[100]);
    Image full = new Image(fullData.getParent(), 0x1000000, 0xF00000, 0xE00000, true, null);
    ImageChain v1 = ImageChain.of(TIMELINE, List.of(full));
    assertFalse(v1.files().stream().anyMatch(f -> f.path().startsWith("pg_wal/") || f.path().equals("postmaster.pid")),
        "WAL segments and the postmaster's leftovers are not part of an image");

    // Version 2: one page changed, one rewritten unchanged, a table dropped, one truncated, one truncated and
    // re-grown with other content, a new one, a non-relation file changed.
    Path work = root.resolve("work2");
    v1.materialize(work, UNTOUCHED);
    overwritePage(work.resolve("base/5/100"), 1, 'A');
    overwritePage(work.resolve("base/5/100"), 0, 'a');
    Files.delete(work.resolve("base/5/200"));
    truncate(work.resolve("base/5/300"), 2);
    truncate(work.resolve("base/5/400"), 1);
    appendPages(work.resolve("base/5/400"), 'D', 2);
    writePages(work.resolve("base/5/500"), 'e', 1);
    write(work.resolve("pg_xact/0000"), filled('x', PAGE));
    Image v2Image = addDelta(work, v1, 0x2000000);
    assertEquals(4, ImageManifest.of(v2Image).storedPages(), "100#1, 400#1, 400#2 and 500#0 changed");
    ImageChain v2 = ImageChain.of(TIMELINE, List.of(v2Image, full));
    assertSameTree(work, materialize(v2, "check2"));

    // Version 3 on top: a dropped relation's file name comes back with new content, the new one changes.
    Path work3 = root.resolve("work3");
    v2.materialize(work3, UNTOUCHED);
    writePages(work3.resolve("base/5/200"), 'B', 1);
    overwritePage(work3.resolve("base/5/500"), 0, 'E');
    Image v3Image = addDelta(work3, v2, 0x3000000);
    assertEquals(2, ImageManifest.of(v3Image).storedPages());
    ImageChain v3 = ImageChain.of(TIMELINE, List.of(v3Image, v2Image, full));
    assertSameTree(work3, materialize(v3, "check3"));
    assertSameTree(work, materialize(v2, "check2-again"));

    assertTrue(ImageStore.bytesOnDisk(v3Image) < ImageStore.bytesOnDisk(full) / 2,
        ImageStore.bytesOnDisk(v3Image) + " bytes of delta vs " + ImageStore.bytesOnDisk(full) + " full");
    try (ImageChain.Reader reader = v3.reader()) {
      assertThrows(IOException.class, () -> reader.readAll("base/5/300_vm"));
    }
  }

  @Test
  void anImageWithoutItsDescriptionIsNotListedAndIsRemoved() throws Exception {
    Path dir = store.prepare(0x5000000);
    write(dir.resolve("pages"), new byte[PAGE]);
    store.load();
    assertTrue(store.all().isEmpty());
    store.removeUnfinished();
    assertFalse(Files.exists(dir));
  }

  private Image addDelta(Path dataDir, ImageChain base, long lsn) throws IOException {
    Path dir = store.prepare(lsn);
    DeltaImageWriter.write(dataDir, base, UNTOUCHED, dir);
    assertTrue(store.at(lsn).isEmpty(), "not listed before its description is written");
    return store.publish(new Image(dir, lsn, lsn - 0x100, lsn - 0x200, false, new Image.Base(base.owner(),
        base.newest().lsn())));
  }

  private Path materialize(ImageChain chain, String name) throws IOException {
    Path target = root.resolve(name);
    chain.materialize(target, UNTOUCHED);
    return target;
  }

  /** Same directories and same file contents, apart from what an image leaves out. */
  private static void assertSameTree(Path expected, Path actual) throws IOException {
    assertEquals(tree(expected).keySet(), tree(actual).keySet());
    Map<String, byte[]> want = tree(expected);
    Map<String, byte[]> got = tree(actual);
    for (String name : want.keySet()) {
      assertArrayEquals(want.get(name), got.get(name), name);
    }
  }

  private static Map<String, byte[]> tree(Path dir) throws IOException {
    Map<String, byte[]> files = new TreeMap<>();
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.toList()) {
        String name = dir.relativize(p).toString();
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          files.put(name + "/", new byte[0]);
        } else if (!DataDirFiles.isLeftOut(name)) {
          files.put(name, Files.readAllBytes(p));
        }
      }
    }
    return files;
  }

  private static byte[] filled(char c, int n) {
    byte[] bytes = new byte[n];
    java.util.Arrays.fill(bytes, (byte) c);
    return bytes;
  }

  private static void write(Path file, byte[] bytes) throws IOException {
    Files.createDirectories(file.getParent());
    Files.write(file, bytes);
  }

  private static void writePages(Path file, char c, int pages) throws IOException {
    byte[] bytes = new byte[pages * PAGE];
    for (int i = 0; i < pages; i++) {
      java.util.Arrays.fill(bytes, i * PAGE, (i + 1) * PAGE, (byte) (c + i));
    }
    write(file, bytes);
  }

  private static void appendPages(Path file, char c, int pages) throws IOException {
    byte[] old = Files.readAllBytes(file);
    writePages(file, c, pages);
    byte[] added = Files.readAllBytes(file);
    byte[] all = new byte[old.length + added.length];
    System.arraycopy(old, 0, all, 0, old.length);
    System.arraycopy(added, 0, all, old.length, added.length);
    write(file, all);
  }

  private static void overwritePage(Path file, int page, char c) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek((long) page * PAGE);
      raf.write(filled((char) (c + page), PAGE));
    }
  }

  private static void truncate(Path file, int pages) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength((long) pages * PAGE);
    }
  }
}
