package dev.argondb.cli.testing;

import dev.argondb.pgruntime.PgFiles;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Removes a test's stack directory when the test class is done: a local stack leaves hundreds of MB (data
 * directories, WAL, images) and the suite starts many. {@code -Dargon.keepTestDirs=true} keeps them to debug.
 */
public final class TestDirs {
  private TestDirs() {}

  public static void deleteUnlessKept(Path dir) {
    if (dir == null || Boolean.getBoolean("argon.keepTestDirs")) {
      return;
    }
    try {
      PgFiles.deleteRecursively(dir);
    } catch (IOException e) {
      System.err.println("could not remove test directory " + dir + ": " + e);
    }
  }
}
