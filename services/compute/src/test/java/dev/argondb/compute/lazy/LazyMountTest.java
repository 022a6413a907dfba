package dev.argondb.compute.lazy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.argondb.pgruntime.PgUser;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real FUSE mount read and written through a symbolic link, as Postgres does, also from Postgres's user. */
class LazyMountTest {
  @TempDir Path dir;
  private LazyMount mount;

  @BeforeEach
  void mount() throws Exception {
    mount = LazyMount.mount();
  }

  @AfterEach
  void unmount() throws Exception {
    mount.close();
  }

  @Test
  void aLinkedLazyFileReadsItsSourceOnDemandAndKeepsWhatIsWritten() throws Exception {
    byte[] original = new byte[40 * LazyFile.BLOCK];
    new Random(7).nextBytes(original);
    AtomicInteger fetches = new AtomicInteger();
    PageSource source = (path, offset, length) -> {
      fetches.incrementAndGet();
      int n = (int) Math.max(0, Math.min(length, original.length - offset));
      byte[] bytes = new byte[n];
      System.arraycopy(original, (int) offset, bytes, 0, n);
      return bytes;
    };
    LazyFile file = new LazyFile("base/5/16384", original.length, source, dir.resolve("backing"), mount.stats());
    Path link = dir.resolve("16384");
    Files.createSymbolicLink(link, mount.add(file));
    assertEquals(original.length, Files.size(link));
    assertEquals(0, fetches.get(), "nothing is fetched before a read");

    byte[] page = new byte[LazyFile.BLOCK];
    try (RandomAccessFile f = new RandomAccessFile(link.toFile(), "rw")) {
      f.seek(3L * LazyFile.BLOCK);
      f.readFully(page);
      assertArrayEquals(java.util.Arrays.copyOfRange(original, 3 * LazyFile.BLOCK, 4 * LazyFile.BLOCK), page);
      f.seek(39L * LazyFile.BLOCK);
      byte[] mine = new byte[LazyFile.BLOCK];
      java.util.Arrays.fill(mine, (byte) 42);
      f.write(mine);
      f.write(mine); // extends the file by a block
    }
    assertEquals(original.length + LazyFile.BLOCK, Files.size(link));
    // Postgres runs as an unprivileged user (in a user namespace when we are root): it must read it too.
    List<String> command = new ArrayList<>(PgUser.unprivileged(List.of("cat", link.toString())));
    Process cat = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    byte[] all = cat.getInputStream().readAllBytes();
    assertEquals(0, cat.waitFor());
    assertEquals(original.length + LazyFile.BLOCK, all.length);
    assertArrayEquals(java.util.Arrays.copyOfRange(original, 0, 39 * LazyFile.BLOCK),
        java.util.Arrays.copyOfRange(all, 0, 39 * LazyFile.BLOCK));
    assertEquals(42, all[all.length - 1]);
    assertEquals(42, all[39 * LazyFile.BLOCK]);
  }

  @Test
  void aMountLeftByAKilledAgentIsUnmountedWhenTheNextOneMounts() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process agent = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        MountAndWait.class.getName()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    Path abandoned;
    try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(agent.getInputStream()))) {
      String line;
      while ((line = out.readLine()) != null && !line.startsWith(MountAndWait.MOUNTED)) {
        // its log lines
      }
      abandoned = Path.of(line.substring(MountAndWait.MOUNTED.length()));
      agent.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook unmounts it
    }
    assertTrue(isMounted(abandoned), "the killed agent's mount is still there");

    LazyMount.mount().close();

    assertFalse(isMounted(abandoned), "unmounted by the next agent");
    assertTrue(isMounted(mount.mountPoint()), "a live agent's mount is left alone");
  }

  private static boolean isMounted(Path point) throws Exception {
    try (var lines = Files.lines(Path.of("/proc/self/mounts"))) {
      return lines.anyMatch(line -> line.contains(" " + point + " "));
    }
  }
}
