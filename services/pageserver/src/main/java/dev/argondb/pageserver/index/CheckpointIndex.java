package dev.argondb.pageserver.index;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Every checkpoint record of a timeline's WAL (images roll forward to just past one). Blocking. */
public final class CheckpointIndex {
  private final LsnRecordFile file;

  CheckpointIndex(Path file) {
    this.file = new LsnRecordFile(file, 4);
  }

  void add(CheckpointEntry entry) {
    file.append(entry.lsn(), entry.endLsn(), entry.redoLsn(), entry.shutdown() ? 1 : 0);
  }

  public List<CheckpointEntry> all() throws IOException {
    return file.readAll().stream().map(e -> new CheckpointEntry(e[0], e[1], e[2], e[3] != 0)).toList();
  }

  LsnRecordFile file() {
    return file;
  }
}
