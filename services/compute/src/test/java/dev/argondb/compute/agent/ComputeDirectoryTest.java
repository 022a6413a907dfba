package dev.argondb.compute.agent;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.argondb.pgruntime.PgFiles;
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
}
