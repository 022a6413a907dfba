package dev.argondb.compute.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.argondb.pgruntime.PgFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ComputeDirectoryTest {
  private Path root;

  @BeforeEach
  void setUp() throws Exception {
    root = Files.createTempDirectory("argon-compute-dir-");
  }

  @AfterEach
  void tearDown() throws Exception {
    PgFiles.deleteRecursively(root);
  }

  @Test
  void aDirectoryCountsAsWrittenDuringThisBootOnlyWhenItRecordedThisBootsId() throws Exception {
    ComputeDirectory directory = new ComputeDirectory(root, "ep-1");
    assertFalse(directory.isFromThisBoot(), "nothing recorded yet");

    directory.recordBoot();
    assertTrue(directory.isFromThisBoot());

    // What a kept directory looks like after the host rebooted (fsync=off: its contents are unknown).
    Files.writeString(root.resolve("endpoints").resolve("ep-1").resolve("boot_id"), "another-boot");
    assertFalse(directory.isFromThisBoot());

    directory.recordBoot();
    directory.clear();
    assertFalse(directory.isFromThisBoot(), "a cleared directory holds nothing of this boot");
  }

  /**
   * On ext4 the next data directory is placed by the Orlov allocator, away from the inodes the last one freed:
   * both the endpoints' directory and the endpoint's own carry the "top of hierarchy" flag (lsattr's 'T').
   */
  @Test
  void aClearedEndpointDirectoryHasItsDataDirectoryPlacedAsATopDirectory() throws Exception {
    assumeTrue("ext4".equals(Files.getFileStore(root).type()), "the placement flag is ext4's");
    ComputeDirectory directory = new ComputeDirectory(root, "ep-2");
    directory.clear();

    assertTrue(lsattrFlags(root.resolve("endpoints")).contains("T"));
    assertTrue(lsattrFlags(root.resolve("endpoints").resolve("ep-2")).contains("T"));
    assertFalse(lsattrFlags(root).contains("T"), "nothing above the compute directories changes");
  }

  private static String lsattrFlags(Path dir) throws Exception {
    Process lsattr = new ProcessBuilder("lsattr", "-d", dir.toString()).redirectErrorStream(true).start();
    String out = new String(lsattr.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertEquals(0, lsattr.waitFor(), out);
    return out.split("\\s+")[0];
  }
}
