package dev.argondb.safekeeper.wal;

import com.sun.nio.file.ExtendedOpenOption;
import dev.argondb.durable.DurableFiles;
import dev.argondb.pgformat.Lsn;
import dev.argondb.pgformat.WalFormatException;
import dev.argondb.pgformat.WalRecordDecoder;
import dev.argondb.pgformat.WalSegments;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WAL segment files of one timeline: positional writes and reads by LSN across 16 MB segments,
 * fsync, truncation, and recovery of the WAL's end. Segments are created whole and zero-filled, as
 * Postgres creates them, so a reader can always tell written WAL from never-written space; the next one is
 * prepared in the background once the WAL is half way through the current one ({@link SegmentPreallocator}).
 * Segments are written with {@code O_DIRECT | O_DSYNC} ({@link DirectBlockWriter}) where the filesystem allows
 * it, so a write is durable when it returns and {@link #sync()} has only new segments' directory entry to fsync;
 * elsewhere (tmpfs refuses direct I/O) through the page cache, made durable by {@code fdatasync} in {@link #sync()}.
 * Blocking. Writes, syncs and truncation come from one thread at a time (the timeline's
 * {@link WalWriter}); reads may come from any thread meanwhile (WAL serving).
 */
public final class WalSegmentStore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WalSegmentStore.class);
  /** Open segment files kept around: the one being written, the one just finished, readers' ones. */
  private static final int MAX_OPEN = 4;
  private static final int ZERO_CHUNK = 1 << 20;
  private static final int SCAN_CHUNK = 1 << 20;
  private static final int DEFAULT_BLOCK = 4096;

  private final TimelineDirectory dir;
  private final SegmentPreallocator preallocator;
  private final Map<Long, FileChannel> open = new LinkedHashMap<>(8, 0.75f, true);
  private final Set<Long> dirty = new HashSet<>();
  private boolean directoryDirty;
  /** Set once a segment was opened for direct I/O; then every segment is. */
  private DirectBlockWriter direct;
  private boolean directRefused;

  public WalSegmentStore(TimelineDirectory dir) {
    this.dir = dir;
    this.preallocator = new SegmentPreallocator(dir);
  }

  /** Whether segments are written with direct, synchronous I/O (known once one was opened for writing). */
  public boolean writesDirect() {
    return direct != null;
  }

  public TimelineDirectory directory() {
    return dir;
  }

  /** Writes {@code data} (position to limit) at {@code lsn}, creating segments as needed. Not durable until {@link #sync()}. */
  public void write(long lsn, ByteBuffer data) throws IOException {
    long at = lsn;
    while (data.hasRemaining()) {
      long segNo = WalSegments.segmentNumber(at);
      int offset = WalSegments.segmentOffset(at);
      int n = Math.min(data.remaining(), WalSegments.SEGMENT_SIZE - offset);
      FileChannel ch = channel(segNo, true);
      ByteBuffer part = data.slice(data.position(), n);
      if (direct != null) {
        direct.write(ch, segNo, offset, part);
      } else {
        long pos = offset;
        while (part.hasRemaining()) {
          pos += ch.write(part, pos);
        }
        dirty.add(segNo);
      }
      data.position(data.position() + n);
      at += n;
      if (offset + n >= WalSegments.SEGMENT_SIZE / 2) {
        preallocator.prepare(segNo + 1); // half way through: the next segment is made ready meanwhile
      }
    }
  }

  /**
   * Makes every write so far durable: fsyncs each segment written through the page cache since the last sync
   * (direct writes already are), and the directory if segments were created.
   */
  public void sync() throws IOException {
    for (Iterator<Long> it = dirty.iterator(); it.hasNext(); ) {
      FileChannel ch = open.get(it.next());
      if (ch != null) {
        ch.force(false); // data only: the file size never changes after creation
      }
      it.remove();
    }
    if (directoryDirty) {
      DurableFiles.fsyncDirectory(dir.path());
      directoryDirty = false;
    }
  }

  /** The WAL in [start, end); fails with {@link NoSuchFileException} if a segment is missing. */
  public ByteBuffer read(long start, long end) throws IOException {
    long length = end - start;
    if (length < 0 || length > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("cannot read " + Lsn.format(start) + ".." + Lsn.format(end));
    }
    ByteBuffer out = ByteBuffer.allocate((int) length);
    readInto(start, out);
    out.flip();
    return out;
  }

  /**
   * Fills {@code target} (position to limit) with the WAL starting at {@code start}. Safe from any
   * thread while the writer works: each read opens its own handle, so it shares no state with the
   * writer's channel cache (an access-ordered map that every lookup changes, whose eviction closes
   * channels).
   */
  public void readInto(long start, ByteBuffer target) throws IOException {
    long at = start;
    while (target.hasRemaining()) {
      long segNo = WalSegments.segmentNumber(at);
      int offset = WalSegments.segmentOffset(at);
      int n = Math.min(target.remaining(), WalSegments.SEGMENT_SIZE - offset);
      Path file = dir.segmentFile(segNo);
      if (!Files.exists(file)) {
        throw new NoSuchFileException(file.toString(), null, "no WAL segment " + Lsn.format(WalSegments.segmentStart(segNo)));
      }
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
        ByteBuffer part = target.slice(target.position(), n);
        long pos = offset;
        while (part.hasRemaining()) {
          int got = ch.read(part, pos);
          if (got < 0) {
            throw new IOException("segment " + file + " is shorter than a whole segment");
          }
          pos += got;
        }
      }
      target.position(target.position() + n);
      at += n;
    }
  }

  /**
   * Cuts the WAL back to {@code lsn}: zeroes the rest of its segment and deletes every later segment,
   * durably. Used to drop a torn tail and WAL of a superseded term.
   */
  public void truncateAfter(long lsn) throws IOException {
    preallocator.discard();
    long segNo = WalSegments.segmentNumber(lsn);
    for (long later : dir.segmentNumbers()) {
      if (later > segNo) {
        closeChannel(later);
        Files.deleteIfExists(dir.segmentFile(later));
        directoryDirty = true;
      }
    }
    Path file = dir.segmentFile(segNo);
    if (Files.exists(file)) {
      // Through the page cache whatever the write mode: direct I/O would need aligned zeros from an aligned offset.
      try (FileChannel zeroing = FileChannel.open(file, StandardOpenOption.WRITE)) {
        writeZeros(zeroing, WalSegments.segmentOffset(lsn), WalSegments.SEGMENT_SIZE);
        zeroing.force(false);
      }
    }
    if (direct != null) {
      direct.forgetTail();
    }
    sync();
  }

  /**
   * Deletes every segment that ends at or below {@code lsn} (WAL the pageserver holds in remote storage), durably;
   * returns how many. Never the segment holding {@code lsn}.
   */
  public int deleteSegmentsBelow(long lsn) throws IOException {
    long keepFrom = WalSegments.segmentNumber(lsn);
    int deleted = 0;
    for (long segNo : dir.segmentNumbers()) {
      if (segNo < keepFrom) {
        closeChannel(segNo);
        Files.deleteIfExists(dir.segmentFile(segNo));
        directoryDirty = true;
        deleted++;
      }
    }
    sync();
    return deleted;
  }

  /**
   * Scans records from {@code fromLsn} (a record boundary or a page start) and returns the end of
   * the last complete, valid record: the flush LSN to resume from after a restart. Scanning stops
   * at never-written (zero) space, at a missing segment, or at invalid WAL (a torn write), which is
   * logged.
   */
  public long findEnd(long fromLsn) throws IOException {
    WalRecordDecoder decoder = Lsn.isPageBoundary(fromLsn)
        ? WalRecordDecoder.atPageStart(fromLsn) : WalRecordDecoder.atRecordBoundary(fromLsn);
    ByteBuffer chunk = ByteBuffer.allocate(SCAN_CHUNK);
    try {
      while (!decoder.endReached()) {
        long at = decoder.nextLsn();
        if (!Files.exists(dir.segmentFile(WalSegments.segmentNumber(at)))) {
          break;
        }
        chunk.clear();
        chunk.limit(Math.min(SCAN_CHUNK, WalSegments.SEGMENT_SIZE - WalSegments.segmentOffset(at)));
        readInto(at, chunk);
        chunk.flip();
        decoder.feed(at, chunk, record -> { });
      }
    } catch (WalFormatException e) {
      LOG.warn("WAL of {}/{} ends at {}: {}", dir.tenantId(), dir.timelineId(),
          Lsn.format(decoder.lastRecordEnd()), e.getMessage());
    }
    return decoder.lastRecordEnd();
  }

  @Override
  public void close() throws IOException {
    preallocator.discard();
    sync();
    for (FileChannel ch : open.values()) {
      ch.close();
    }
    open.clear();
  }

  private FileChannel channel(long segNo, boolean create) throws IOException {
    FileChannel ch = open.get(segNo);
    if (ch != null) {
      return ch;
    }
    Path file = dir.segmentFile(segNo);
    if (!Files.exists(file)) {
      if (!create) {
        throw new NoSuchFileException(file.toString(), null, "no WAL segment " + Lsn.format(WalSegments.segmentStart(segNo)));
      }
      if (preallocator.takeInto(segNo, file)) {
        directoryDirty = true;
      } else {
        createSegment(file);
      }
    }
    ch = openForWriting(file);
    open.put(segNo, ch);
    evictIfNeeded();
    return ch;
  }

  /** Direct and synchronous where the filesystem takes it (decided at the first segment, kept for all). */
  private FileChannel openForWriting(Path file) throws IOException {
    if (!directRefused) {
      try {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE,
            StandardOpenOption.DSYNC, ExtendedOpenOption.DIRECT);
        if (direct == null) {
          direct = new DirectBlockWriter(blockSize(file));
        }
        return ch;
      } catch (IOException | UnsupportedOperationException e) {
        if (direct != null) {
          throw e; // half the segments direct, half not: refuse rather than mix
        }
        directRefused = true;
        LOG.info("WAL of {}/{}: direct I/O refused on {} ({}); writing through the page cache with fdatasync",
            dir.tenantId(), dir.timelineId(), file.getParent(), e.toString());
      }
    }
    return FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
  }

  /** The filesystem's block size: direct I/O writes whole, aligned blocks of it. */
  private static int blockSize(Path file) {
    try {
      long size = Files.getFileStore(file).getBlockSize();
      return size >= 512 && size <= 65536 && Long.bitCount(size) == 1 ? (int) size : DEFAULT_BLOCK;
    } catch (IOException | UnsupportedOperationException e) {
      return DEFAULT_BLOCK;
    }
  }

  private void evictIfNeeded() throws IOException {
    while (open.size() > MAX_OPEN) {
      Long eldest = open.keySet().iterator().next();
      closeChannel(eldest);
    }
  }

  private void closeChannel(long segNo) throws IOException {
    FileChannel ch = open.remove(segNo);
    if (ch != null) {
      if (dirty.remove(segNo)) {
        ch.force(false); // its writes must not lose durability by being closed before the next sync
      }
      ch.close();
    }
  }

  /** A whole zero-filled segment under a temporary name, renamed into place once complete. */
  private void createSegment(Path file) throws IOException {
    dir.create();
    Path tmp = file.resolveSibling(file.getFileName() + ".init");
    writeZeroSegment(tmp);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    directoryDirty = true;
  }

  /**
   * Writes a whole segment of zeros at {@code file} (replacing what is there) and fsyncs it. Blocking. Public for the
   * wal-segments benchmark, whose baseline it is.
   */
  public static void writeZeroSegment(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      writeZeros(ch, 0, WalSegments.SEGMENT_SIZE);
      ch.force(true);
    }
  }

  private static void writeZeros(FileChannel ch, long from, long to) throws IOException {
    ByteBuffer zeros = ByteBuffer.allocate(ZERO_CHUNK);
    long pos = from;
    while (pos < to) {
      zeros.clear();
      zeros.limit((int) Math.min(ZERO_CHUNK, to - pos));
      while (zeros.hasRemaining()) {
        pos += ch.write(zeros, pos);
      }
    }
  }
}
