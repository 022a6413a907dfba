package dev.argondb.pageserver.index;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * An append-only file of fixed-size entries of {@code fields} longs, ordered by the record end LSN in
 * field {@link #END_FIELD}. Appends are buffered until {@link #flush()}; {@link #truncateAfter} drops
 * entries past a resume point after a crash. Blocking; synchronized (one writer, many readers).
 */
final class LsnRecordFile {
  static final int END_FIELD = 1;

  private final Path file;
  private final int fields;
  private final List<long[]> pending = new ArrayList<>();
  private FileChannel channel;

  LsnRecordFile(Path file, int fields) {
    this.file = file;
    this.fields = fields;
  }

  synchronized void append(long... entry) {
    if (entry.length != fields) {
      throw new IllegalArgumentException("entry of " + entry.length + " fields, expected " + fields);
    }
    pending.add(entry);
  }

  /** Writes buffered entries (page cache only). */
  synchronized void flush() throws IOException {
    if (pending.isEmpty()) {
      return;
    }
    ByteBuffer bytes = ByteBuffer.allocate(pending.size() * fields * Long.BYTES);
    for (long[] entry : pending) {
      for (long value : entry) {
        bytes.putLong(value);
      }
    }
    bytes.flip();
    FileChannel ch = channel();
    while (bytes.hasRemaining()) {
      ch.write(bytes, ch.size());
    }
    pending.clear();
  }

  synchronized void sync() throws IOException {
    flush();
    if (channel != null) {
      channel.force(false);
    }
  }

  /** Every written entry, in order. */
  synchronized List<long[]> readAll() throws IOException {
    flush();
    List<long[]> all = new ArrayList<>();
    if (!Files.exists(file)) {
      return all;
    }
    ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
    while (bytes.remaining() >= fields * Long.BYTES) {
      long[] entry = new long[fields];
      for (int i = 0; i < fields; i++) {
        entry[i] = bytes.getLong();
      }
      all.add(entry);
    }
    return all;
  }

  /** Drops entries that end after {@code lsn} (and a torn last entry). */
  synchronized void truncateAfter(long lsn) throws IOException {
    pending.clear();
    List<long[]> all = readAll();
    int keep = 0;
    while (keep < all.size() && Long.compareUnsigned(all.get(keep)[END_FIELD], lsn) <= 0) {
      keep++;
    }
    if (Files.exists(file)) {
      channel().truncate((long) keep * fields * Long.BYTES);
      channel.force(false);
    }
  }

  synchronized void close() throws IOException {
    sync();
    if (channel != null) {
      channel.close();
      channel = null;
    }
  }

  private FileChannel channel() throws IOException {
    if (channel == null) {
      Files.createDirectories(file.getParent());
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }
    return channel;
  }
}
