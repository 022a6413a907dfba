package dev.argondb.pageserver.basebackup;

import java.io.IOException;
import java.nio.ByteBuffer;

/** One entry of a basebackup tar: its path, size and bytes (read piecewise, so no file is held in memory). */
interface TarEntrySource {
  String name();

  boolean isDirectory();

  long size();

  /** Fills {@code target} (position to limit) with the bytes at {@code offset}. */
  void read(long offset, ByteBuffer target) throws IOException;
}
