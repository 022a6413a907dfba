package dev.argondb.compute.lazy;

import java.io.IOException;

/** Where a lazy file's original bytes come from: the pageserver's image of the data directory. Blocking. */
@FunctionalInterface
public interface PageSource {
  /**
   * Bytes {@code [offset, offset + length)} of the data directory's file {@code path} (e.g. "base/5/16384.1"),
   * or fewer where that file ends. {@code offset} and {@code length} are multiples of {@link LazyFile#BLOCK}.
   */
  byte[] read(String path, long offset, int length) throws IOException;
}
