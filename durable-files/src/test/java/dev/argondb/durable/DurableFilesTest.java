package dev.argondb.durable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DurableFilesTest {
  @TempDir
  Path root;

  @Test
  void createsEveryMissingLevelAndLeavesExistingOnesAlone() throws Exception {
    Path timeline = root.resolve("tenants").resolve("t").resolve("timelines").resolve("x");
    DurableFiles.createDirectories(timeline);
    assertTrue(Files.isDirectory(timeline));
    DurableFiles.write(timeline.resolve("metadata.json"), "{}");
    DurableFiles.createDirectories(timeline); // there already: nothing changes
    assertEquals("{}", Files.readString(timeline.resolve("metadata.json")));
    DurableFiles.createDirectories(timeline.resolveSibling("y"));
    assertTrue(Files.isDirectory(timeline.resolveSibling("y")));
  }

  @Test
  void aFileInTheWayIsRefused() throws Exception {
    Files.writeString(root.resolve("tenants"), "not a directory");
    assertThrows(IOException.class, () -> DurableFiles.createDirectories(root.resolve("tenants").resolve("t")));
    assertEquals("not a directory", Files.readString(root.resolve("tenants")));
  }
}
