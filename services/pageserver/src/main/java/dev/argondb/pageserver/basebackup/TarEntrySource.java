package dev.argondb.pageserver.basebackup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * One entry of a basebackup tar: its path, size, PAX headers of our own (none but for a {@link LazyRelationFiles lazy}
 * file) and bytes, read piecewise by {@code bytes} so no file is held in memory. {@link TarEntries} makes the kinds
 * there are.
 */
record TarEntrySource(String name, boolean isDirectory, long size, Map<String, String> paxHeaders, Bytes bytes) {

  TarEntrySource(String name, boolean isDirectory, long size, Bytes bytes) {
    this(name, isDirectory, size, Map.of(), bytes);
  }

  /** Fills {@code target} (position to limit) with the entry's bytes at {@code offset}. */
  @FunctionalInterface
  interface Bytes {
    void read(long offset, ByteBuffer target) throws IOException;
  }

  void read(long offset, ByteBuffer target) throws IOException {
    bytes.read(offset, target);
  }
}
