package dev.argondb.pageserver.wal;

import dev.argondb.pgformat.WalSegments;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One timeline's WAL bytes in 16 MB segment files named by segment number (not by Postgres's file name:
 * every compute runs on timeline ID 1, so names repeat across branches). Segments are created sparse and
 * full-size, so never-written space reads as zeros, as in Postgres's own zero-filled segments. Blocking;
 * synchronized, since the ingest worker writes while basebackup workers read.
 */
public final class WalSegmentFiles implements AutoCloseable {
  /** Open files kept: the one being written, the one just finished, and readers' ones. */
  private static final int MAX_OPEN = 4;

  private final Path dir;
  private final Map<Long, FileChannel> open = new LinkedHashMap<>(8, 0.75f, true);
  private final Set<Long> dirty = new HashSet<>();

  public WalSegmentFiles(Path dir) {
    this.dir = dir;
  }

  /** Writes {@code data} (position to limit, consumed) at {@code lsn}; durable after {@link #sync()}. */
  public synchronized void write(long lsn, ByteBuffer data) throws IOException {
    long at = lsn;
    while (data.hasRemaining()) {
      long segNo = WalSegments.segmentNumber(at);
      int offset = WalSegments.segmentOffset(at);
      int n = Math.min(data.remaining(), WalSegments.SEGMENT_SIZE - offset);
      FileChannel ch = channel(segNo, true);
      ByteBuffer part = data.slice(data.position(), n);
      long pos = offset;
      while (part.hasRemaining()) {
        pos += ch.write(part, pos);
      }
      data.position(data.position() + n);
      dirty.add(segNo);
      at += n;
    }
  }

  /** Fills {@code target} (position to limit) with the bytes at {@code lsn}; zeros where no segment exists. */
  public synchronized void read(long lsn, ByteBuffer target) throws IOException {
    long at = lsn;
    while (target.hasRemaining()) {
      long segNo = WalSegments.segmentNumber(at);
      int offset = WalSegments.segmentOffset(at);
      int n = Math.min(target.remaining(), WalSegments.SEGMENT_SIZE - offset);
      ByteBuffer part = target.slice(target.position(), n);
      FileChannel ch = channel(segNo, false);
      if (ch == null) {
        while (part.hasRemaining()) {
          part.put((byte) 0);
        }
      } else {
        long pos = offset;
        while (part.hasRemaining()) {
          int got = ch.read(part, pos);
          if (got < 0) {
            throw new IOException("WAL segment " + segmentFile(segNo) + " is shorter than a whole segment");
          }
          pos += got;
        }
      }
      target.position(target.position() + n);
      at += n;
    }
  }

  public synchronized void sync() throws IOException {
    for (Iterator<Long> it = dirty.iterator(); it.hasNext(); ) {
      FileChannel ch = open.get(it.next());
      if (ch != null) {
        ch.force(false);
      }
      it.remove();
    }
  }

  /** Deletes segments after the one holding {@code lsn} (WAL past the resume point is fetched again). */
  public synchronized void deleteAfter(long lsn) throws IOException {
    long keep = WalSegments.segmentNumber(lsn);
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (var files = Files.list(dir)) {
      for (Path file : files.toList()) {
        long segNo = Long.parseUnsignedLong(file.getFileName().toString(), 16);
        if (segNo > keep) {
          closeChannel(segNo);
          Files.delete(file);
        }
      }
    }
  }

  /** The numbers of the segments held, ascending. */
  public synchronized java.util.List<Long> segments() throws IOException {
    java.util.List<Long> found = new java.util.ArrayList<>();
    if (Files.isDirectory(dir)) {
      try (var files = Files.list(dir)) {
        for (Path file : files.toList()) {
          String name = file.getFileName().toString();
          if (name.matches("[0-9A-F]{16}")) {
            found.add(Long.parseUnsignedLong(name, 16));
          }
        }
      }
    }
    found.sort(Long::compareUnsigned);
    return found;
  }

  /** Deletes one whole segment (GC); reads of it return zeros from then on. Returns the bytes freed. */
  public synchronized long deleteSegment(long segNo) throws IOException {
    closeChannel(segNo);
    Path file = segmentFile(segNo);
    if (!Files.exists(file)) {
      return 0;
    }
    long bytes = Files.size(file);
    Files.delete(file);
    return bytes;
  }

  @Override
  public synchronized void close() throws IOException {
    sync();
    for (FileChannel ch : open.values()) {
      ch.close();
    }
    open.clear();
  }

  private Path segmentFile(long segNo) {
    return dir.resolve(String.format("%016X", segNo));
  }

  private FileChannel channel(long segNo, boolean create) throws IOException {
    FileChannel ch = open.get(segNo);
    if (ch != null) {
      return ch;
    }
    Path file = segmentFile(segNo);
    if (!Files.exists(file)) {
      if (!create) {
        return null;
      }
      Files.createDirectories(dir);
      try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
        raf.setLength(WalSegments.SEGMENT_SIZE); // sparse: reads as zeros until written
      }
    }
    ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    open.put(segNo, ch);
    while (open.size() > MAX_OPEN) {
      closeChannel(open.keySet().iterator().next());
    }
    return ch;
  }

  private void closeChannel(long segNo) throws IOException {
    FileChannel ch = open.remove(segNo);
    if (ch != null) {
      if (dirty.remove(segNo)) {
        ch.force(false); // closing must not lose what the next sync() would have made durable
      }
      ch.close();
    }
  }
}
