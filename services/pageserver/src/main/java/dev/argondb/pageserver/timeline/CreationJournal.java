package dev.argondb.pageserver.timeline;

import dev.argondb.pgruntime.PgFiles;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
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
import java.util.zip.CRC32C;
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
 * <p>Record: length (int), CRC-32C of the JSON (int), the metadata as JSON; the first zero length or bad CRC
 * ends a file (a torn append was never acknowledged). Blocking; thread-safe.
 */
public final class CreationJournal {
  private static final Logger LOG = LoggerFactory.getLogger(CreationJournal.class);
  static final String[] FILE_NAMES = {"creations-a.journal", "creations-b.journal"};
  /** About 3,000 creations per file; a full active file makes the creation wait for a checkpoint. */
  static final int CAPACITY = 1 << 20;
  private static final int HEADER_BYTES = 8;

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
    AtomicFiles.createDirectories(dataDir);
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
      AtomicFiles.fsyncDirectory(dir.getParent());
      return false;
    }
    AtomicFiles.createDirectories(dir);
    AtomicFiles.write(file, metadata.toJson().encodePrettily());
    AtomicFiles.fsyncDirectory(dir.getParent());
    return true;
  }

  /**
   * Creates {@code dir} with its {@code metadata.json}; once this returns the creation survives a crash (one
   * synchronous append). Callers hold the timelines' lock, so there is one at a time.
   */
  void create(Path dir, TimelineMetadata metadata) throws IOException {
    byte[] record = JournalFile.record(metadata);
    while (!tryAppend(keyOf(metadata), dir, record)) {
      checkpoint(); // both files full: wait for one to be emptied
    }
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(Timeline.METADATA), metadata.toJson().encodePrettily(), StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException failed) {
      // Refused to the caller: a recovery must not bring it back as a timeline nobody knows.
      try {
        forget(metadata.tenantId(), metadata.timelineId());
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
    AtomicFiles.fsyncDirectory(dir.getParent());
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
        AtomicFiles.fsyncDirectory(parent);
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
    AtomicFiles.fsyncDirectory(dir);
  }

  private static String keyOf(TimelineMetadata metadata) {
    return Timelines.key(metadata.tenantId(), metadata.timelineId());
  }

  /** One preallocated journal file: appends are durable when they return ({@code O_DSYNC}, size unchanged). */
  private static final class JournalFile {
    private final Path path;
    private final FileChannel channel;
    private final List<String> keys = new ArrayList<>();
    private int position;
    /** The end of the furthest append tried since the last reset (a failed one may have left bytes up to it). */
    private int written;

    private JournalFile(Path path, FileChannel channel) {
      this.path = path;
      this.channel = channel;
    }

    static JournalFile open(Path path) throws IOException {
      boolean existed = Files.exists(path);
      FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
          StandardOpenOption.WRITE, StandardOpenOption.DSYNC);
      if (!existed || channel.size() != CAPACITY) {
        writeZeros(channel, 0, CAPACITY);
        channel.truncate(CAPACITY);
        channel.force(true);
        AtomicFiles.fsyncDirectory(path.getParent());
      }
      return new JournalFile(path, channel);
    }

    static byte[] record(TimelineMetadata metadata) {
      byte[] json = metadata.toJson().encode().getBytes(StandardCharsets.UTF_8);
      CRC32C crc = new CRC32C();
      crc.update(json);
      return ByteBuffer.allocate(HEADER_BYTES + json.length).putInt(json.length).putInt((int) crc.getValue())
          .put(json).array();
    }

    /** The intact records from the start, up to the first empty or torn one. */
    List<TimelineMetadata> readRecords() throws IOException {
      ByteBuffer all = ByteBuffer.allocate(CAPACITY);
      while (all.hasRemaining() && channel.read(all, all.position()) > 0) {
        // until the whole file is read
      }
      all.flip();
      List<TimelineMetadata> records = new ArrayList<>();
      while (all.remaining() >= HEADER_BYTES) {
        int length = all.getInt();
        int expected = all.getInt();
        if (length <= 0 || length > all.remaining()) {
          break;
        }
        byte[] json = new byte[length];
        all.get(json);
        CRC32C crc = new CRC32C();
        crc.update(json);
        if ((int) crc.getValue() != expected) {
          LOG.warn("{}: a torn record at the end (never acknowledged); ignored", path);
          break;
        }
        records.add(TimelineMetadata.fromJson(new JsonObject(new String(json, StandardCharsets.UTF_8))));
      }
      return records;
    }

    /** False when the record does not fit. */
    boolean append(String key, byte[] record) throws IOException {
      if (position + record.length + HEADER_BYTES > CAPACITY) { // a zero length must still follow
        return false;
      }
      written = Math.max(written, position + record.length);
      ByteBuffer bytes = ByteBuffer.wrap(record);
      while (bytes.hasRemaining()) {
        channel.write(bytes, position + bytes.position());
      }
      position += record.length;
      keys.add(key);
      return true;
    }

    boolean isEmpty() {
      return position == 0;
    }

    boolean holds(String key) {
      return keys.contains(key);
    }

    List<String> keys() {
      return List.copyOf(keys);
    }

    void clearKeys() {
      keys.clear();
    }

    /**
     * Zeroes what was written since the last reset (durably, {@code O_DSYNC}): a shorter record written over a
     * longer one must not be followed by an old record that still reads as whole. Not while appending.
     */
    void reset() throws IOException {
      writeZeros(channel, 0, Math.max(written, HEADER_BYTES));
      position = 0;
      written = 0;
    }

    /** Zeroes the whole file (after a recovery, which does not know how far an earlier process wrote). */
    void resetWhole() throws IOException {
      writeZeros(channel, 0, CAPACITY);
      position = 0;
      written = 0;
    }

    void close() throws IOException {
      channel.close();
    }

    private static void writeZeros(FileChannel channel, long from, int count) throws IOException {
      ByteBuffer zeros = ByteBuffer.allocate(Math.min(count, 64 * 1024));
      long at = from;
      long end = from + count;
      while (at < end) {
        zeros.clear().limit((int) Math.min(zeros.capacity(), end - at));
        while (zeros.hasRemaining()) {
          at += channel.write(zeros, at);
        }
      }
    }
  }
}
