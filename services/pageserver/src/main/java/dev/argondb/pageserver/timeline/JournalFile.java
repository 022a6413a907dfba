package dev.argondb.pageserver.timeline;

import dev.argondb.durable.DurableFiles;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One preallocated file of the {@link CreationJournal}: appends are durable when they return ({@code O_DSYNC}, and
 * the size never changes). Record: length (int), CRC-32C of the JSON (int), the metadata as JSON; the first zero
 * length or bad CRC ends the file (a torn append was never acknowledged). Not thread-safe: the journal serializes.
 */
final class JournalFile {
  private static final Logger LOG = LoggerFactory.getLogger(JournalFile.class);
  /** About 3,000 creations per file; a full active file makes the creation wait for a checkpoint. */
  static final int CAPACITY = 1 << 20;
  private static final int HEADER_BYTES = 8;

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
      DurableFiles.fsyncDirectory(path.getParent());
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
