package dev.argondb.pgformat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LsnTest {
  @Test
  void parsesAndFormatsLikePostgres() {
    assertEquals(0x16B5A50L, Lsn.parse("0/16B5A50"));
    assertEquals("0/16B5A50", Lsn.format(0x16B5A50L));
    assertEquals("1A/B", Lsn.format(Lsn.parse("1a/b")));
    assertEquals("FFFFFFFF/FFFFFFFF", Lsn.format(-1L));
    assertEquals("0/0", Lsn.format(0));
    assertThrows(IllegalArgumentException.class, () -> Lsn.parse("16B5A50"));
    assertThrows(IllegalArgumentException.class, () -> Lsn.parse("1/"));
    assertThrows(IllegalArgumentException.class, () -> Lsn.parse("100000000/0"));
  }

  @Test
  void comparesUnsigned() {
    assertTrue(Lsn.compare(Lsn.parse("FFFFFFFF/0"), Lsn.parse("1/0")) > 0);
    assertEquals(0, Lsn.compare(5, 5));
  }

  @Test
  void pagesAndSegments() {
    long lsn = Lsn.parse("1/2345678");
    assertEquals(0x5678 & 8191, Lsn.pageOffset(lsn));
    assertEquals(lsn - Lsn.pageOffset(lsn), Lsn.pageStart(lsn));
    assertEquals(0x100 + 0x2, Lsn.segmentNumber(lsn));
    assertEquals(0x345678, Lsn.segmentOffset(lsn));
    assertTrue(Lsn.isPageBoundary(Lsn.parse("0/2000")));
    assertFalse(Lsn.isPageBoundary(Lsn.parse("0/2008")));
    assertEquals(16, Lsn.maxAlign(9));
    assertEquals(16, Lsn.maxAlign(16));
  }

  @Test
  void segmentFileNamesRoundTrip() {
    assertEquals("000000010000000000000001", WalSegments.fileName(1));
    assertEquals("000000010000000100000000", WalSegments.fileName(256));
    assertEquals("0000000200000003000000FF", WalSegments.fileName(2, 3 * 256 + 255));
    var parsed = WalSegments.parseFileName("0000000100000001000000A0");
    assertEquals(1, parsed.timelineId());
    assertEquals(256 + 0xA0, parsed.segmentNumber());
    assertEquals(Lsn.parse("1/A0000000"), parsed.startLsn());
    assertFalse(WalSegments.isSegmentFileName("000000010000000000000001.partial"));
    assertThrows(IllegalArgumentException.class, () -> WalSegments.parseFileName("000000010000000000000100"));
  }

  @Test
  void layoutFollowsCAlignment() {
    CStructLayout inner = CStructLayout.builder("in").bool("b").int64("l").build();
    CStructLayout outer = CStructLayout.builder("out").int32("i").struct("s", inner).bool("c").build();
    assertEquals(8, inner.offset("l"));
    assertEquals(16, inner.size());
    assertEquals(8, outer.offset("s"));
    assertEquals(16, outer.offset("s.l"));
    assertEquals(24, outer.offset("c"));
    assertEquals(32, outer.size());
  }
}
