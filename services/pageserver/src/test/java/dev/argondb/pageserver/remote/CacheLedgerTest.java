package dev.argondb.pageserver.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.argondb.pageserver.remote.CacheLedger.State;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The layer cache's policy on its own: least recently used first, pins and un-uploaded images never evicted. */
class CacheLedgerTest {

  @Test
  void evictsLeastRecentlyUsedFirstUntilWithinTheLimit() {
    CacheLedger ledger = new CacheLedger(250);
    ledger.add("a", State.LOCAL, 100, true);
    ledger.add("b", State.LOCAL, 100, true);
    ledger.add("c", State.LOCAL, 100, true);
    // Use order: b, a, c: b is now the least recently used.
    for (String key : List.of("b", "a", "c")) {
      ledger.pin(key);
      ledger.unpin(key);
    }
    assertEquals(List.of("b"), ledger.startEvictions());
    assertEquals(State.EVICTING, ledger.state("b"));
    assertEquals(300, ledger.localBytes(), "bytes being evicted are still on disk");
    assertEquals(List.of(), ledger.startEvictions(), "an eviction under way already brings it within the limit");
    ledger.evictionEnded("b", true);
    assertEquals(State.REMOTE, ledger.state("b"));
    assertEquals(200, ledger.localBytes());
  }

  @Test
  void neverEvictsPinnedOrNotUploadedImages() {
    CacheLedger ledger = new CacheLedger(50);
    ledger.add("pinned", State.LOCAL, 100, true);
    ledger.add("local-only", State.LOCAL, 100, false);
    ledger.add("free", State.LOCAL, 100, true);
    ledger.pin("pinned");
    ledger.pin("free");
    ledger.unpin("free"); // the most recently used, yet the only one that may go
    assertEquals(List.of("free"), ledger.startEvictions());
    ledger.evictionEnded("free", true);
    assertEquals(List.of(), ledger.startEvictions(), "over the limit, but nothing else may go");
    assertEquals(200, ledger.localBytes());

    ledger.uploaded("local-only");
    assertEquals(List.of("local-only"), ledger.startEvictions(), "once uploaded it may go");
    ledger.unpin("pinned");
    assertEquals(List.of("pinned"), ledger.startEvictions(), "once unpinned it may go");
  }

  @Test
  void aPinTellsHitFromMissAndADownloadMakesTheImageLocal() {
    CacheLedger ledger = new CacheLedger(0);
    ledger.add("remote", State.REMOTE, 999, true);
    assertEquals(0, ledger.localBytes(), "a remote-only image takes no local bytes");
    assertFalse(ledger.pin("remote"), "a miss");
    assertTrue(ledger.startDownload("remote"));
    assertFalse(ledger.startDownload("remote"), "one download per image");
    ledger.downloadEnded("remote", false, 0);
    assertEquals(State.REMOTE, ledger.state("remote"), "a failed download leaves it remote: the next read retries");
    assertTrue(ledger.startDownload("remote"));
    ledger.downloadEnded("remote", true, 123);
    assertEquals(State.LOCAL, ledger.state("remote"));
    assertEquals(123, ledger.localBytes());
    assertTrue(ledger.pin("remote"), "a hit");
    assertEquals(2, ledger.pins("remote"));
  }

  @Test
  void noLimitEvictsNothingAndAFailedEvictionKeepsTheImageLocal() {
    CacheLedger unlimited = new CacheLedger(0);
    unlimited.add("a", State.LOCAL, Long.MAX_VALUE / 2, true);
    assertEquals(List.of(), unlimited.startEvictions());

    CacheLedger ledger = new CacheLedger(10);
    ledger.add("a", State.LOCAL, 100, true);
    assertEquals(List.of("a"), ledger.startEvictions());
    ledger.evictionEnded("a", false);
    assertEquals(State.LOCAL, ledger.state("a"));
    assertEquals(100, ledger.localBytes());
    assertThrows(IllegalArgumentException.class, () -> new CacheLedger(-1));
    assertThrows(IllegalStateException.class, () -> ledger.pin("unknown"));
  }
}
