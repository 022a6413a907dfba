package dev.argondb.pageserver.image;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * How an image treats each path of a data directory: relation files (kept page by page), files left out
 * (a stopped server's leftovers, signal files, WAL segments: a basebackup adds WAL from the timeline), and
 * everything else kept whole.
 */
public final class DataDirFiles {
  /** BLCKSZ. */
  public static final int PAGE_SIZE = 8192;
  public static final String CONTROL_FILE = "global/pg_control";
  public static final String WAL_DIR = "pg_wal";

  private static final Set<String> LEFT_OUT = Set.of("postmaster.pid", "postmaster.opts", "standby.signal",
      "recovery.signal", "backup_label", "tablespace_map");
  /** {@code <relfilenumber>[_fsm|_vm|_init][.<segment>]} in {@code base/<db>/} or {@code global/}. */
  private static final Pattern RELATION = Pattern.compile(
      "(base/[0-9]+|global)/[0-9]+(_(fsm|vm|init))?(\\.[0-9]+)?");

  private DataDirFiles() {}

  /** True for a relation file (a fork segment of a table or index): stored as pages. */
  public static boolean isRelationFile(String path) {
    return RELATION.matcher(path).matches();
  }

  /**
   * True for files an image never keeps ({@code path} relative to the data directory, '/'-separated).
   * Directories are always kept (pg_wal and its archive_status included, empty).
   */
  public static boolean isLeftOut(String path) {
    return LEFT_OUT.contains(path) || path.startsWith(WAL_DIR + "/");
  }
}
