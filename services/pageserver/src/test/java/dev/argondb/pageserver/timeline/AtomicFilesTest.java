package dev.argondb.pageserver.timeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir
  Path root;

  @Test
  void createsEveryMissingLevelAndLeavesExistingOnesAlone() throws Exception {
    Path timeline = root.resolve("tenants").resolve("t").resolve("timelines").resolve("x");
    AtomicFiles.createDirectories(timeline);
    assertTrue(Files.isDirectory(timeline));
    AtomicFiles.write(timeline.resolve("metadata.json"), "{}");
    AtomicFiles.createDirectories(timeline); // there already: nothing changes
    assertEquals("{}", Files.readString(timeline.resolve("metadata.json")));
    AtomicFiles.createDirectories(timeline.resolveSibling("y"));
    assertTrue(Files.isDirectory(timeline.resolveSibling("y")));
  }

  @Test
  void aFileInTheWayIsRefused() throws Exception {
    Files.writeString(root.resolve("tenants"), "not a directory");
    assertThrows(IOException.class, () -> AtomicFiles.createDirectories(root.resolve("tenants").resolve("t")));
    assertEquals("not a directory", Files.readString(root.resolve("tenants")));
  }
}
