package dev.argondb.safekeeper.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.argondb.bus.TermStart;
import dev.argondb.pgformat.Lsn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TimelineControlFileTest {
  static final String TENANT = "0123456789abcdef0123456789abcdef";
  static final String TIMELINE = "fedcba9876543210fedcba9876543210";

  @TempDir
  Path dataDir;

  @Test
  void storesAndLoadsAtomically() throws Exception {
    TimelineDirectory dir = TimelineDirectory.of(dataDir, TENANT, TIMELINE);
    assertEquals(dataDir.resolve("tenants/" + TENANT + "/timelines/" + TIMELINE), dir.path());
    dir.create();
    TimelineControlFile file = TimelineControlFile.of(dir);
    assertTrue(file.load().isEmpty());

    TimelineControl initial = TimelineControl.empty(Lsn.parse("0/1000000"));
    file.store(initial);
    assertEquals(initial, file.load().orElseThrow());

    TimelineControl later = initial.withTerm(3, List.of(new TermStart(1, Lsn.parse("0/1000000")),
            new TermStart(3, Lsn.parse("0/2A3B4C8"))))
        .withCommitLsn(Lsn.parse("0/2A00000"))
        .withFlushLsn(Lsn.parse("0/2A3B4C8"))
        .withSystemId(-7L); // a uint64 above Long.MAX_VALUE survives
    file.store(later);
    assertEquals(later, file.load().orElseThrow());
    assertTrue(Files.readString(file.path()).contains("\"0/2A3B4C8\""));
    assertFalse(Files.exists(file.path().resolveSibling(file.path().getFileName() + ".tmp")));
  }

  @Test
  void refusesIdsThatAreNotHex() {
    assertThrows(IllegalArgumentException.class, () -> TimelineDirectory.of(dataDir, "../etc", TIMELINE));
    assertThrows(IllegalArgumentException.class, () -> TimelineDirectory.of(dataDir, TENANT, TIMELINE.toUpperCase()));
  }
}
