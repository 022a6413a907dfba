package dev.argondb.pageserver.index;

import dev.argondb.pgformat.Lsn;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Every commit and abort record of a timeline's WAL with its timestamp (point-in-time branches). Blocking. */
public final class CommitIndex {
  private final LsnRecordFile file;

  CommitIndex(Path file) {
    this.file = new LsnRecordFile(file, 4);
  }

  void add(CommitEntry entry) {
    file.append(entry.lsn(), entry.endLsn(), entry.xactTime(), entry.commit() ? 1 : 0);
  }

  public List<CommitEntry> all() throws IOException {
    return file.readAll().stream().map(e -> new CommitEntry(e[0], e[1], e[2], e[3] != 0)).toList();
  }

  /**
   * The last commit (in WAL order) ending at or below {@code limitLsn} whose timestamp is at or before
   * {@code pgMicros}. Commit timestamps are not strictly ordered in WAL, so this scans (fine for part 1;
   * a per-segment time range would bound it).
   */
  public Optional<CommitEntry> lastCommitAtOrBefore(long pgMicros, long limitLsn) throws IOException {
    CommitEntry found = null;
    for (CommitEntry entry : all()) {
      if (entry.commit() && entry.xactTime() <= pgMicros && Lsn.compare(entry.endLsn(), limitLsn) <= 0) {
        found = entry;
      }
    }
    return Optional.ofNullable(found);
  }

  LsnRecordFile file() {
    return file;
  }
}
