package dev.argondb.pageserver.basebackup;

import dev.argondb.bus.grpc.LazyBasebackup;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The files a lazy basebackup ({@code BasebackupRequest.lazy_min_bytes} not 0) leaves out, and the tar entry it sends
 * in their place: a regular file of size 0 carrying the PAX header {@value LazyBasebackup#SIZE_HEADER} (the constant
 * {@link LazyBasebackup#SIZE_HEADER}, which the receiver reads too), the file's real size in decimal. The receiver
 * reads such a file's bytes on demand with {@code GetPages} at the basebackup's LSN, so a compute of a large database
 * starts without copying it first.
 *
 * <p>Only relation data files can be lazy: {@code base/<db>/<relfilenode>} and {@code global/<relfilenode>}, main,
 * FSM and VM forks, any 1 GB segment, of at least {@code lazy_min_bytes}: Postgres reads those a page at a time, when
 * it needs the page. Never an {@code _init} fork: a page or two that recovery copies whole over its unlogged
 * relation's main fork (ResetUnloggedRelations). Nor any other file: pg_control, pg_filenode.map, PG_VERSION and the
 * like are small and read whole at start.
 */
final class LazyRelationFiles {
  /** {@code <relfilenode>[_fsm|_vm][.<segment>]} in {@code base/<db>/} or {@code global/}. */
  private static final Pattern RELATION_DATA = Pattern.compile("(base/[0-9]+|global)/[0-9]+(_(fsm|vm))?(\\.[0-9]+)?");

  private LazyRelationFiles() {}

  /**
   * True if a basebackup with {@code lazyMinBytes} (unsigned, as proto's uint64; 0 = nothing lazy) sends the file
   * at {@code path} of {@code size} bytes lazily.
   */
  static boolean isLazy(String path, long size, long lazyMinBytes) {
    return lazyMinBytes != 0 && Long.compareUnsigned(size, lazyMinBytes) >= 0 && isRelationData(path);
  }

  static boolean isRelationData(String path) {
    return RELATION_DATA.matcher(path).matches();
  }

  /** The entry sent in place of the file at {@code path} of {@code size} bytes: no bytes, its size in a header. */
  static TarEntrySource entry(String path, long size) {
    return new TarEntrySource(path, false, 0, Map.of(LazyBasebackup.SIZE_HEADER, Long.toString(size)),
        (offset, target) -> {
          throw new IllegalStateException("a lazy entry has no bytes in the tar");
        });
  }
}
