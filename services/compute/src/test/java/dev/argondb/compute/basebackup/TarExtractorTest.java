package dev.argondb.compute.basebackup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.argondb.pgformat.WalSegments;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Random;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarExtractorTest {
  @TempDir
  Path tmp;

  @Test
  void unpacksFilesWithPostgresPermissionsAndExtendsAShortWalSegmentWithZeros() throws Exception {
    byte[] relation = new byte[3 * TarExtractor.WRITE_BYTES + 123]; // more than one write
    new Random(7).nextBytes(relation);
    byte[] walPage = new byte[8192];
    Arrays.fill(walPage, 0, 100, (byte) 0x5a);
    byte[] tar = tar(new Object[][] {{"base/", null}, {"base/1/", null}, {"base/1/1259", relation},
        {"PG_VERSION", "17\n".getBytes()}, {"pg_wal/", null}, {"pg_wal/archive_status/", null},
        {"pg_wal/000000010000000000000001", walPage}, {"global/pg_control", new byte[8192]}});
    Path dataDir = tmp.resolve("pgdata");

    TarExtractor.extract(new ByteArrayInputStream(tar), dataDir);

    assertArrayEquals(relation, Files.readAllBytes(dataDir.resolve("base/1/1259")));
    assertEquals("17\n", Files.readString(dataDir.resolve("PG_VERSION")));
    Path segment = dataDir.resolve("pg_wal/000000010000000000000001");
    assertEquals(WalSegments.SEGMENT_SIZE, Files.size(segment), "a short segment is extended to 16 MB");
    byte[] wal = Files.readAllBytes(segment);
    assertArrayEquals(walPage, Arrays.copyOf(wal, walPage.length));
    for (int i = walPage.length; i < wal.length; i++) {
      if (wal[i] != 0) {
        throw new AssertionError("byte " + i + " of the extended segment is " + wal[i]);
      }
    }
    assertTrue(Files.isDirectory(dataDir.resolve("pg_wal/archive_status")));
    assertTrue(Files.isDirectory(dataDir.resolve("global")), "a directory missing from the tar is created");
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir)));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("base/1"))));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(segment)));
    assertEquals("rw-------", PosixFilePermissions.toString(
        Files.getPosixFilePermissions(dataDir.resolve("base/1/1259"))));
  }

  /** A lazy entry (no bytes, its size in a PAX header) goes to the caller's handler, and only there. */
  @Test
  void lazyEntriesGoToTheHandlerAndAreRefusedWithoutOne() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      TarArchiveEntry lazy = new TarArchiveEntry("base/5/16384");
      lazy.addPaxHeader(dev.argondb.bus.grpc.LazyBasebackup.SIZE_HEADER, "1073741824");
      lazy.setSize(0);
      tar.putArchiveEntry(lazy);
      tar.closeArchiveEntry();
      tar.finish();
    }
    java.util.List<String> added = new java.util.ArrayList<>();
    Path dataDir = tmp.resolve("pgdata");
    TarExtractor.extract(new ByteArrayInputStream(out.toByteArray()), dataDir,
        (name, target, size) -> added.add(name + " " + dataDir.relativize(target) + " " + size));
    assertEquals(java.util.List.of("base/5/16384 base/5/16384 1073741824"), added);
    assertTrue(Files.isDirectory(dataDir.resolve("base/5")), "its directory is made");
    assertTrue(!Files.exists(dataDir.resolve("base/5/16384")), "the handler makes the file");

    IOException refused = assertThrows(IOException.class, () ->
        TarExtractor.extract(new ByteArrayInputStream(out.toByteArray()), tmp.resolve("other")));
    assertTrue(refused.getMessage().contains("no lazy files were asked for"), refused.getMessage());
  }

  /** Relation segments of whole pages take the O_DIRECT path (or its page-cache fallback): same bytes either way. */
  @Test
  void largeWholePageFilesArriveIntactAndATwiceNamedOneIsRefused() throws Exception {
    byte[] heap = new byte[2 * TarExtractor.WRITE_BYTES + 5 * 8192]; // a partial last write, still whole pages
    new Random(11).nextBytes(heap);
    byte[] index = new byte[(int) DirectWrites.MIN_BYTES];
    new Random(12).nextBytes(index);
    byte[] tar = tar(new Object[][] {{"base/5/16384", heap}, {"base/5/16390", index}, {"PG_VERSION", "17\n".getBytes()}});
    Path dataDir = tmp.resolve("direct");

    TarExtractor.extract(new ByteArrayInputStream(tar), dataDir);

    assertArrayEquals(heap, Files.readAllBytes(dataDir.resolve("base/5/16384")));
    assertArrayEquals(index, Files.readAllBytes(dataDir.resolve("base/5/16390")));
    assertEquals("rw-------", PosixFilePermissions.toString(
        Files.getPosixFilePermissions(dataDir.resolve("base/5/16384"))));
    IOException twice = assertThrows(IOException.class, () -> TarExtractor.extract(new ByteArrayInputStream(
        tar(new Object[][] {{"base/5/16384", heap}, {"base/5/16384", heap}})), tmp.resolve("twice")));
    assertTrue(twice.getMessage().contains("twice"), twice.getMessage());
  }

  @Test
  void refusesEntriesOutsideTheDirectoryTwiceNamedOrOversizedSegments() throws Exception {
    IOException escape = assertThrows(IOException.class, () -> TarExtractor.extract(
        new ByteArrayInputStream(tar(new Object[][] {{"../evil", new byte[1]}})), tmp.resolve("a")));
    assertTrue(escape.getMessage().contains("outside the data directory"), escape.getMessage());
    assertTrue(!Files.exists(tmp.resolve("evil")));

    IOException twice = assertThrows(IOException.class, () -> TarExtractor.extract(new ByteArrayInputStream(
        tar(new Object[][] {{"PG_VERSION", new byte[1]}, {"PG_VERSION", new byte[2]}})), tmp.resolve("b")));
    assertTrue(twice.getMessage().contains("twice"), twice.getMessage());

    IOException big = assertThrows(IOException.class, () -> TarExtractor.extract(new ByteArrayInputStream(
        tar(new Object[][] {{"pg_wal/000000010000000000000001", new byte[WalSegments.SEGMENT_SIZE + 1]}})),
        tmp.resolve("c")));
    assertTrue(big.getMessage().contains("more than a segment"), big.getMessage());
  }

  @Test
  void aTruncatedTarFails() throws Exception {
    byte[] tar = tar(new Object[][] {{"base/1/1259", new byte[100_000]}});
    byte[] cut = Arrays.copyOf(tar, 50_000);
    assertThrows(IOException.class, () -> TarExtractor.extract(new ByteArrayInputStream(cut), tmp.resolve("d")));
  }

  /** Entries as {name, bytes}; null bytes = a directory. */
  static byte[] tar(Object[][] entries) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      for (Object[] e : entries) {
        TarArchiveEntry entry = new TarArchiveEntry((String) e[0]);
        byte[] bytes = (byte[]) e[1];
        entry.setSize(bytes == null ? 0 : bytes.length);
        tar.putArchiveEntry(entry);
        if (bytes != null) {
          tar.write(bytes);
        }
        tar.closeArchiveEntry();
      }
    }
    return out.toByteArray();
  }
}
