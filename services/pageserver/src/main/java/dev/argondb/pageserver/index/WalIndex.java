package dev.argondb.pageserver.index;

import dev.argondb.durable.DurableFiles;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The index of one timeline's WAL: record boundaries, checkpoints, commits and aborts, and the resume
 * point ({@code ingest.json}: the end of the last record whose WAL and index entries are durable). At
 * load, entries past the resume point (written before a crash, never made durable as a whole) are dropped,
 * so ingest resumes there without duplicates. Blocking.
 */
public final class WalIndex {
  private final Path dir;
  private final BoundaryIndex boundaries;
  private final CheckpointIndex checkpoints;
  private final CommitIndex commits;

  public WalIndex(Path dir) {
    this.dir = dir;
    this.boundaries = new BoundaryIndex(dir.resolve("boundaries"));
    this.checkpoints = new CheckpointIndex(dir.resolve("checkpoints"));
    this.commits = new CommitIndex(dir.resolve("commits"));
  }

  public BoundaryIndex boundaries() {
    return boundaries;
  }

  public CheckpointIndex checkpoints() {
    return checkpoints;
  }

  public CommitIndex commits() {
    return commits;
  }

  /** The saved resume point, or {@code startLsn} if none was saved yet; drops index entries after it. */
  public long load(long startLsn) throws IOException {
    Path state = dir.resolve("ingest.json");
    long resume = Files.exists(state)
        ? new JsonObject(Files.readString(state, StandardCharsets.UTF_8)).getLong("last_record_lsn")
        : startLsn;
    boundaries.truncateAfter(resume);
    checkpoints.file().truncateAfter(resume);
    commits.file().truncateAfter(resume);
    return resume;
  }

  /** Writes buffered entries so readers see them (not yet durable). */
  void flush() throws IOException {
    boundaries.flush();
    checkpoints.file().flush();
    commits.file().flush();
  }

  /** Makes every entry up to {@code lastRecordLsn} durable, then records it as the resume point. */
  public void sync(long lastRecordLsn) throws IOException {
    Files.createDirectories(dir);
    boundaries.sync();
    checkpoints.file().sync();
    commits.file().sync();
    DurableFiles.write(dir.resolve("ingest.json"), new JsonObject().put("last_record_lsn", lastRecordLsn).encode());
  }

  public void close() throws IOException {
    checkpoints.file().close();
    commits.file().close();
  }
}
