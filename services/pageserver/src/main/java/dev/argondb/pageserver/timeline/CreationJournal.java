package dev.argondb.pageserver.timeline;

import dev.argondb.durable.DurableFiles;
import dev.argondb.pgruntime.PgFiles;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a branch's creation durable with one synchronous write: its metadata appended to a preallocated journal
 * file opened with {@code O_DSYNC}, instead of fsyncing the new directory's entry, the metadata file and the
 * directory holding it (three fsyncs, about a millisecond: a fifth of a branch's time through the REST API).
 * The directory and its {@code metadata.json} are written at once but made durable later: by the background
 * {@link #checkpoint}, or before anything else is written into the timeline ({@link #makeDurable}), whichever
 * comes first. At start {@link #recover} writes back every journaled creation a crash lost.
 *
 * <p>Two journal files take turns: a checkpoint seals the active one, makes its creations durable the slow way
 * and zeroes it, while new creations go to the other. A journaled timeline that is deleted would come back at the
 * next recovery, so {@link #forget} checkpoints until no journal holds it before its directory goes.
 *
 * <p>Blocking; thread-safe.
 */
public final class CreationJournal {
  private static final Logger LOG = LoggerFactory.getLogger(CreationJournal.class);
  static final String[] FILE_NAMES = {"creations-a.journal", "creations-b.journal"};

  private final Timelines timelines;
  private final JournalFile[] files = new JournalFile[2];
  /** Journaled creations whose files are not known to be durable yet: key to directory. */
  private final Map<String, Path> notDurable = new LinkedHashMap<>();
  private final Object checkpointLock = new Object();
  private int active;

  private CreationJournal(Timelines timelines, JournalFile a, JournalFile b) {
    this.timelines = timelines;
    files[0] = a;
    files[1] = b;
  }

  /**
   * Opens the journal in {@code dataDir} and writes back (durably) every timeline creation it holds whose
   * directory or metadata a crash lost; then both files are empty. Call before loading the timelines.
   */
  public static CreationJournal recover(Path dataDir, Timelines timelines) throws IOException {
    DurableFiles.createDirectories(dataDir);
    List<JournalFile> opened = new ArrayList<>();
    for (String name : FILE_NAMES) {
      opened.add(JournalFile.open(dataDir.resolve(name)));
    }
    int restored = 0;
    for (JournalFile file : opened) {
      for (TimelineMetadata metadata : file.readRecords()) {
        if (restore(timelines.directoryOf(metadata.tenantId(), metadata.timelineId()), metadata)) {
          restored++;
        }
      }
    }
    for (JournalFile file : opened) {
      file.resetWhole();
    }
    if (restored > 0) {
      LOG.warn("Restored {} timeline creation(s) from the creation journal (the directories were lost in a crash)",
          restored);
    }
    return new CreationJournal(timelines, opened.get(0), opened.get(1));
  }

  /** Makes a journaled creation's directory durable; true if it had to be written back. */
  private static boolean restore(Path dir, TimelineMetadata metadata) throws IOException {
    Path file = dir.resolve(Timeline.METADATA);
    boolean intact;
    try {
      intact = Files.exists(file) && TimelineMetadata.fromJson(new JsonObject(Files.readString(file))).equals(metadata);
    } catch (RuntimeException unreadable) {
      intact = false;
    }
    if (intact) {
      syncCreated(dir);
      DurableFiles.fsyncDirectory(dir.getParent());
      return false;
    }
    DurableFiles.createDirectories(dir);
    DurableFiles.write(file, metadata.toJson().encodePrettily());
    DurableFiles.fsyncDirectory(dir.getParent());
    return true;
  }

  /**
   * Creates {@code dir} with its {@code metadata.json}; once this returns the creation survives a crash (one
   * synchronous append). The files come first: a checkpoint may seal the record the moment it is appended, and
   * must find them to make them durable. Callers hold the timelines' lock, so there is one at a time.
   */
  void create(Path dir, TimelineMetadata metadata) throws IOException {
    byte[] record = JournalFile.record(metadata);
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(Timeline.METADATA), metadata.toJson().encodePrettily(), StandardCharsets.UTF_8);
      while (!tryAppend(keyOf(metadata), dir, record)) {
        checkpoint(); // both files full: wait for one to be emptied
      }
    } catch (IOException | RuntimeException failed) {
      // Refused to the caller and not journaled: nothing may bring it back as a timeline nobody knows.
      try {
        PgFiles.deleteRecursively(dir);
      } catch (IOException alsoFailed) {
        failed.addSuppressed(alsoFailed);
      }
      throw failed;
    }
  }

  private synchronized boolean tryAppend(String key, Path dir, byte[] record) throws IOException {
    if (!files[active].append(key, record)) {
      return false;
    }
    notDurable.put(key, dir);
    return true;
  }

  /** Called before writing anything else into a timeline: its own directory must outlast a crash first. */
  void makeDurable(String tenantId, String timelineId) throws IOException {
    String key = Timelines.key(tenantId, timelineId);
    Path dir;
    synchronized (this) {
      dir = notDurable.get(key);
    }
    if (dir == null) {
      return;
    }
    syncCreated(dir);
    DurableFiles.fsyncDirectory(dir.getParent());
    synchronized (this) {
      notDurable.remove(key);
    }
  }

  /**
   * Before a timeline's directory is removed: no journal may hold its creation any more (a recovery would bring
   * it back). Callers hold the timelines' lock, so no creation is appended meanwhile.
   */
  void forget(String tenantId, String timelineId) throws IOException {
    String key = Timelines.key(tenantId, timelineId);
    while (journaled(key)) {
      checkpoint();
    }
  }

  private synchronized boolean journaled(String key) {
    return files[0].holds(key) || files[1].holds(key);
  }

  /**
   * Seals the active file (new creations go to the other one), makes the creations it holds durable the slow
   * way (each directory and metadata file, then their parents once) and empties it. Runs in the background
   * every second or so; one at a time.
   */
  public void checkpoint() throws IOException {
    synchronized (checkpointLock) {
      JournalFile sealed;
      Map<String, Path> toSync = new LinkedHashMap<>();
      synchronized (this) {
        sealed = files[active];
        if (sealed.isEmpty()) {
          return;
        }
        active = 1 - active; // the other file is empty: every checkpoint empties the file it sealed
        for (String key : sealed.keys()) {
          Path dir = notDurable.get(key);
          if (dir != null) {
            toSync.put(key, dir);
          }
        }
      }
      Set<Path> parents = new HashSet<>();
      for (Path dir : toSync.values()) {
        if (Files.isRegularFile(dir.resolve(Timeline.METADATA))) { // else deleted since, or its creation failed
          syncCreated(dir);
          parents.add(dir.getParent());
        }
      }
      for (Path parent : parents) {
        DurableFiles.fsyncDirectory(parent);
      }
      sealed.reset();
      synchronized (this) {
        sealed.clearKeys();
        notDurable.keySet().removeAll(toSync.keySet());
      }
    }
  }

  /** Checkpoints until both files are empty (at shutdown). */
  public void checkpointAll() throws IOException {
    checkpoint();
    checkpoint();
  }

  public void close() throws IOException {
    checkpointAll();
    for (JournalFile file : files) {
      file.close();
    }
  }

  private static void syncCreated(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir.resolve(Timeline.METADATA), StandardOpenOption.READ)) {
      ch.force(true);
    }
    DurableFiles.fsyncDirectory(dir);
  }

  private static String keyOf(TimelineMetadata metadata) {
    return Timelines.key(metadata.tenantId(), metadata.timelineId());
  }
}
