package dev.argondb.pageserver.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.argondb.pgruntime.PgFiles;
import dev.argondb.pgformat.WalSegments;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A crash after index entries were written but before the resume point was saved: at load they are
 * dropped (across segment files too), so re-ingesting that WAL indexes it once.
 */
class WalIndexRecoveryTest {
  private static final long SEGMENT = WalSegments.SEGMENT_SIZE;

  @Test
  void entriesPastTheSavedResumePointAreDroppedAtLoad() throws Exception {
    Path dir = Files.createTempDirectory("argon-walindex-");
    try {
      long start = 3 * SEGMENT + 0x100;
      WalIndex index = new WalIndex(dir);
      assertEquals(start, index.load(start));
      long[] ends = {start + 0x40, start + 0x80, 4 * SEGMENT, 4 * SEGMENT + 0x28, 5 * SEGMENT + 0x10};
      add(index, ends[0]);
      add(index, ends[1]);
      index.sync(ends[1]);
      for (int i = 2; i < ends.length; i++) {
        add(index, ends[i]); // written, never made durable as a whole
      }
      flush(index);
      assertTrue(index.boundaries().contains(ends[4]));
      index.close();

      WalIndex reloaded = new WalIndex(dir);
      assertEquals(ends[1], reloaded.load(start));
      assertTrue(reloaded.boundaries().contains(ends[0]));
      assertTrue(reloaded.boundaries().contains(ends[1]));
      for (int i = 2; i < ends.length; i++) {
        assertFalse(reloaded.boundaries().contains(ends[i]), "dropped: record end " + i);
      }
      assertFalse(reloaded.boundaries().contains(ends[0] + 8), "not a boundary");
    } finally {
      PgFiles.deleteRecursively(dir);
    }
  }

  private static void add(WalIndex index, long recordEnd) throws Exception {
    index.boundaries().add(recordEnd);
  }

  private static void flush(WalIndex index) throws Exception {
    index.flush();
  }
}
