package dev.argondb.safekeeper.wal;

import dev.argondb.bus.TermStart;
import dev.argondb.durable.DurableFiles;
import dev.argondb.pgformat.Lsn;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Stores a {@link TimelineControl} as a small JSON file, atomically: write a temporary file, fsync
 * it, rename it over the old one, fsync the directory. A crash leaves either the old or the new
 * state, never a mix. LSNs are written as Postgres prints them, for humans reading the file.
 * Blocking: call from a worker thread.
 */
public final class TimelineControlFile {
  /** Bumped when the JSON changes incompatibly. */
  static final int FORMAT_VERSION = 1;

  private final Path file;

  public TimelineControlFile(Path file) {
    this.file = file;
  }

  public static TimelineControlFile of(TimelineDirectory dir) {
    return new TimelineControlFile(dir.controlFile());
  }

  public Path path() {
    return file;
  }

  /** The stored state, or empty if the file does not exist. */
  public Optional<TimelineControl> load() throws IOException {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    JsonObject json = new JsonObject(Files.readString(file, StandardCharsets.UTF_8));
    int version = json.getInteger("format", -1);
    if (version != FORMAT_VERSION) {
      throw new IOException(file + ": unsupported control file format " + version);
    }
    List<TermStart> history = new ArrayList<>();
    for (Object o : json.getJsonArray("termHistory")) {
      JsonObject entry = (JsonObject) o;
      history.add(new TermStart(entry.getLong("term"), Lsn.parse(entry.getString("lsn"))));
    }
    String systemId = json.getString("systemId");
    return Optional.of(new TimelineControl(json.getLong("term"), history,
        Lsn.parse(json.getString("timelineStartLsn")), Lsn.parse(json.getString("commitLsn")),
        systemId == null ? null : Long.parseUnsignedLong(systemId), Lsn.parse(json.getString("flushLsn"))));
  }

  /** Replaces the stored state durably. */
  public void store(TimelineControl control) throws IOException {
    JsonArray history = new JsonArray();
    for (TermStart t : control.termHistory()) {
      history.add(new JsonObject().put("term", t.term()).put("lsn", Lsn.format(t.lsn())));
    }
    JsonObject json = new JsonObject()
        .put("format", FORMAT_VERSION)
        .put("term", control.term())
        .put("termHistory", history)
        .put("timelineStartLsn", Lsn.format(control.timelineStartLsn()))
        .put("commitLsn", Lsn.format(control.commitLsn()))
        // uint64 as a decimal string: JSON numbers lose precision above 2^53 in many readers.
        .put("systemId", control.systemId() == null ? null : Long.toUnsignedString(control.systemId()))
        .put("flushLsn", Lsn.format(control.flushLsn()));
    DurableFiles.write(file, json.encodePrettily());
  }
}
