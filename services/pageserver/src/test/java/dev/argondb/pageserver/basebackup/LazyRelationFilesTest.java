package dev.argondb.pageserver.basebackup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LazyRelationFilesTest {
  private static final long MIN = 65536;

  @Test
  void relationDataFilesOfAtLeastTheMinimumAreLazy() {
    for (String path : List.of("base/5/16384", "base/5/16384.1", "base/16385/2619_fsm", "base/1/1259_vm",
        "base/5/16384_vm.3", "global/1262", "global/1260.12")) {
      assertTrue(LazyRelationFiles.isLazy(path, MIN, MIN), path);
      assertFalse(LazyRelationFiles.isLazy(path, MIN - 8192, MIN), path + " below the minimum");
      assertFalse(LazyRelationFiles.isLazy(path, 1L << 30, 0), path + " when lazy_min_bytes is 0");
    }
  }

  @Test
  void noOtherFileIsEverLazy() {
    for (String path : List.of("base/5/16384_init", "base/5/16384_init.1", "global/pg_control",
        "global/pg_filenode.map", "base/5/pg_filenode.map", "base/5/PG_VERSION", "PG_VERSION",
        "global/pg_internal.init", "base/5/pg_internal.init", "pg_xact/0000", "pg_multixact/offsets/0000",
        "pg_wal/000000010000000000000001", "base/5/16384.", "base/5/16384_main", "base/5/x16384",
        "pg_tblspc/16400/PG_17_202406281/5/16401", "base/5", "postgresql.conf")) {
      assertFalse(LazyRelationFiles.isLazy(path, 1L << 30, MIN), path);
    }
  }

  @Test
  void aMinimumAboveLongMaxIsUnsignedAsInTheProto() {
    assertFalse(LazyRelationFiles.isLazy("base/5/16384", Long.MAX_VALUE, -1), "uint64 max: no file is that large");
  }

  @Test
  void aLazyEntryHasNoBytesAndItsSizeInThePaxHeader() {
    TarEntrySource entry = LazyRelationFiles.entry("base/5/16384", 3L << 30);
    assertEquals(0, entry.size());
    assertFalse(entry.isDirectory());
    assertEquals(Map.of("ARGON.lazy_size", "3221225472"), entry.paxHeaders());
  }
}
