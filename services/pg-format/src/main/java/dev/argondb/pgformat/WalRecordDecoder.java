package dev.argondb.pgformat;

import java.nio.ByteBuffer;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.zip.CRC32C;

/**
 * Finds WAL records in a stream of WAL bytes fed in order, in chunks of any size (as they arrive
 * from a replication connection or are read from segment files). It strips page headers,
 * reassembles records that cross pages, checks page headers, continuation flags, prev-links and
 * CRCs, and hands every complete record to a sink. Not thread-safe: one decoder per stream.
 *
 * <p>Zeros where a page header or a record's length should be mean the end of WAL (the tail of a
 * zero-filled segment, or a torn write): {@link #endReached()} turns true, the partial record (if
 * any) is dropped and later input is ignored. Anything else that is wrong throws
 * {@link WalFormatException}; the decoder is unusable afterwards.
 */
public final class WalRecordDecoder {
  /** Retains every record's bytes. */
  public static final Predicate<XLogRecordHeader> ALL = header -> true;
  /** Retains no record's bytes (boundaries only: what a safekeeper needs). */
  public static final Predicate<XLogRecordHeader> NONE = header -> false;

  private enum State {
    /** Discarding bytes up to {@link #skipUntil} (alignment padding, or a switched segment's tail). */
    SKIP,
    /** Discarding the tail of a record that began before the starting page. */
    CONTINUATION,
    /** Reading a record's fixed header. */
    RECORD_HEADER,
    /** Reading the rest of a record. */
    RECORD_BODY,
    ENDED,
    FAILED
  }

  private final CRC32C crc = new CRC32C();
  private final byte[] pageHeader = new byte[XLogPageHeader.LONG_SIZE];
  private final byte[] recordHeader = new byte[XLogRecordHeader.SIZE];
  private Predicate<XLogRecordHeader> retain = NONE;

  private long pos;
  private State state;
  private long skipUntil;
  /** A switched segment's tail holds pages we do not need to parse (Postgres may not even write them). */
  private boolean skipIsRaw;
  /** Set until the first page header is read when starting at a page that may begin with a continuation. */
  private boolean lenientStart;
  private long continuationLeft;

  private long recordStart;
  private int recordGot;
  private XLogRecordHeader header;
  private byte[] recordBytes;
  private long prevRecordStart = Lsn.INVALID;
  private long lastRecordEnd;
  private long recordCount;

  private WalRecordDecoder(long startLsn, boolean lenientStart) {
    this.pos = startLsn;
    this.lastRecordEnd = startLsn;
    this.lenientStart = lenientStart;
    this.state = State.RECORD_HEADER;
  }

  /**
   * Starts at a record boundary: a record header is at {@code lsn}, or {@code lsn} is a page
   * boundary and the page's first record starts after its header (the page must not begin with a
   * continuation).
   */
  public static WalRecordDecoder atRecordBoundary(long lsn) {
    int off = Lsn.pageOffset(lsn);
    if (off != 0 && off < XLogPageHeader.sizeAt(Lsn.pageStart(lsn))) {
      throw new IllegalArgumentException(Lsn.format(lsn) + " is inside a page header");
    }
    if (lsn % Lsn.MAX_ALIGN != 0) {
      throw new IllegalArgumentException(Lsn.format(lsn) + " is not MAXALIGNed: not a record boundary");
    }
    return new WalRecordDecoder(lsn, false);
  }

  /**
   * Starts at the start of a page (e.g. a segment): if the page begins with the tail of an earlier
   * record (XLP_FIRST_IS_CONTRECORD), that tail is skipped, as xlp_rem_len says.
   */
  public static WalRecordDecoder atPageStart(long pageLsn) {
    if (!Lsn.isPageBoundary(pageLsn)) {
      throw new IllegalArgumentException(Lsn.format(pageLsn) + " is not a page boundary");
    }
    return new WalRecordDecoder(pageLsn, true);
  }

  /** Which records keep their bytes in {@link WalRecord#bytes()} (default {@link #NONE}). */
  public WalRecordDecoder retainBytes(Predicate<XLogRecordHeader> which) {
    this.retain = which;
    return this;
  }

  /** LSN of the next byte to feed. */
  public long nextLsn() {
    return pos;
  }

  /** True once zeros showed where WAL should continue. */
  public boolean endReached() {
    return state == State.ENDED;
  }

  /** End LSN of the last complete record (see {@link WalRecord#endLsn()}), or the start LSN if none. */
  public long lastRecordEnd() {
    return lastRecordEnd;
  }

  public long recordCount() {
    return recordCount;
  }

  /** Feeds {@code chunk}, which must start at {@code lsn} == {@link #nextLsn()}. */
  public void feed(long lsn, ByteBuffer chunk, Consumer<WalRecord> sink) {
    if (lsn != pos) {
      throw new IllegalArgumentException("WAL fed at " + Lsn.format(lsn) + " but the decoder is at " + Lsn.format(pos));
    }
    feed(chunk, sink);
  }

  /** Feeds {@code chunk} (from its position to its limit, consumed) as the bytes at {@link #nextLsn()}. */
  public void feed(ByteBuffer chunk, Consumer<WalRecord> sink) {
    if (state == State.FAILED) {
      throw new IllegalStateException("decoder already failed at " + Lsn.format(pos));
    }
    try {
      while (chunk.hasRemaining() && state != State.ENDED) {
        step(chunk, sink);
      }
    } catch (WalFormatException e) {
      state = State.FAILED;
      throw e;
    }
    if (state == State.ENDED) {
      pos += chunk.remaining();
      chunk.position(chunk.limit());
    }
  }

  private void step(ByteBuffer chunk, Consumer<WalRecord> sink) {
    long pageLsn = Lsn.pageStart(pos);
    int offset = Lsn.pageOffset(pos);
    int headerSize = XLogPageHeader.sizeAt(pageLsn);
    boolean rawSkip = state == State.SKIP && skipIsRaw;
    if (offset < headerSize && !rawSkip) {
      int n = Math.min(headerSize - offset, chunk.remaining());
      chunk.get(pageHeader, offset, n);
      pos += n;
      if (offset + n == headerSize) {
        onPageHeader(pageLsn, headerSize);
      }
      return;
    }
    int n = (int) Math.min(chunk.remaining(), Lsn.PAGE_SIZE - offset);
    switch (state) {
      case SKIP -> skip(chunk, n);
      case CONTINUATION -> {
        int k = (int) Math.min(n, continuationLeft);
        chunk.position(chunk.position() + k);
        pos += k;
        continuationLeft -= k;
        if (continuationLeft == 0) {
          skipTo(Lsn.maxAlign(pos), false);
        }
      }
      case RECORD_HEADER -> readRecordHeader(chunk, n, sink);
      case RECORD_BODY -> readRecordBody(chunk, n, sink);
      default -> throw new IllegalStateException("unexpected state " + state);
    }
  }

  private void skip(ByteBuffer chunk, int n) {
    int k = (int) Math.min(n, skipUntil - pos);
    chunk.position(chunk.position() + k);
    pos += k;
    if (pos == skipUntil) {
      state = State.RECORD_HEADER;
    }
  }

  /** Discards input up to {@code target}, where the next record header starts. */
  private void skipTo(long target, boolean raw) {
    if (pos == target) {
      state = State.RECORD_HEADER;
    } else {
      skipUntil = target;
      skipIsRaw = raw;
      state = State.SKIP;
    }
  }

  private void onPageHeader(long pageLsn, int size) {
    if (allZero(pageHeader, size)) {
      state = State.ENDED; // never-written page: end of WAL (a record in progress was torn)
      return;
    }
    XLogPageHeader page = XLogPageHeader.parse(pageHeader, 0);
    page.validate(pageLsn);
    if (lenientStart) {
      lenientStart = false;
      if (page.firstIsContinuation()) {
        continuationLeft = page.remainingLength();
        state = State.CONTINUATION;
        return;
      }
    }
    long recordLeft = switch (state) {
      case CONTINUATION -> continuationLeft;
      case RECORD_BODY -> header.totalLength() - recordGot;
      case RECORD_HEADER -> recordGot == 0 ? 0 : (LittleEndian.u32(recordHeader, 0) - recordGot);
      default -> 0;
    };
    if (recordLeft > 0) {
      if (!page.firstIsContinuation() && page.firstIsOverwrite()) {
        // Recovery gave up on the record in progress and wrote a new one here: drop the partial one.
        recordGot = 0;
        continuationLeft = 0;
        prevRecordStart = Lsn.INVALID;
        state = State.RECORD_HEADER;
        return;
      }
      if (!page.firstIsContinuation()) {
        throw new WalFormatException(pageLsn, "page lacks XLP_FIRST_IS_CONTRECORD although the record at "
            + Lsn.format(recordStart) + " continues on it");
      }
      if (page.remainingLength() != recordLeft) {
        throw new WalFormatException(pageLsn, "xlp_rem_len " + page.remainingLength() + " does not match the "
            + recordLeft + " bytes left of the record at " + Lsn.format(recordStart));
      }
    } else if (page.firstIsContinuation()) {
      throw new WalFormatException(pageLsn, "page has XLP_FIRST_IS_CONTRECORD but no record continues on it");
    }
  }

  private void readRecordHeader(ByteBuffer chunk, int n, Consumer<WalRecord> sink) {
    if (recordGot == 0) {
      recordStart = pos;
    }
    int k = Math.min(n, XLogRecordHeader.SIZE - recordGot);
    chunk.get(recordHeader, recordGot, k);
    recordGot += k;
    pos += k;
    if (recordGot >= 4 && LittleEndian.i32(recordHeader, 0) == 0) {
      state = State.ENDED; // xl_tot_len 0: nothing was ever written here
      return;
    }
    if (recordGot < XLogRecordHeader.SIZE) {
      return;
    }
    header = XLogRecordHeader.parse(recordHeader, 0);
    validateRecordHeader();
    crc.reset();
    recordBytes = retain.test(header) ? new byte[header.totalLength()] : null;
    if (recordBytes != null) {
      System.arraycopy(recordHeader, 0, recordBytes, 0, XLogRecordHeader.SIZE);
    }
    state = State.RECORD_BODY;
    if (header.totalLength() == XLogRecordHeader.SIZE) {
      finishRecord(sink);
    }
  }

  private void validateRecordHeader() {
    int total = header.totalLength();
    if (total < XLogRecordHeader.SIZE || total > XLogRecordHeader.MAX_TOTAL_LENGTH) {
      throw new WalFormatException(recordStart, "invalid record length " + Integer.toUnsignedString(total)
          + " (expected " + XLogRecordHeader.SIZE + " to " + XLogRecordHeader.MAX_TOTAL_LENGTH + ")");
    }
    if (prevRecordStart != Lsn.INVALID && header.prev() != prevRecordStart) {
      throw new WalFormatException(recordStart, "record has prev-link " + Lsn.format(header.prev())
          + " instead of " + Lsn.format(prevRecordStart));
    }
  }

  private void readRecordBody(ByteBuffer chunk, int n, Consumer<WalRecord> sink) {
    int k = Math.min(n, header.totalLength() - recordGot);
    if (recordBytes != null) {
      chunk.get(recordBytes, recordGot, k);
      crc.update(recordBytes, recordGot, k);
    } else {
      int limit = chunk.limit();
      chunk.limit(chunk.position() + k);
      crc.update(chunk); // consumes the k bytes
      chunk.limit(limit);
    }
    recordGot += k;
    pos += k;
    if (recordGot == header.totalLength()) {
      finishRecord(sink);
    }
  }

  private void finishRecord(Consumer<WalRecord> sink) {
    // The CRC covers the data first, then the header up to xl_crc (XLogRecordAssemble / ValidXLogRecord).
    crc.update(recordHeader, 0, XLogRecordHeader.CRC_OFFSET);
    if ((int) crc.getValue() != header.crc()) {
      throw new WalFormatException(recordStart, String.format("record CRC mismatch (stored %08X, computed %08X)",
          header.crc(), (int) crc.getValue()));
    }
    boolean isSwitch = RmgrIds.isSwitch(header);
    long end = isSwitch && !WalSegments.isSegmentBoundary(pos)
        ? WalSegments.segmentStart(WalSegments.segmentNumber(pos) + 1)
        : Lsn.maxAlign(pos);
    WalRecord record = new WalRecord(recordStart, end, header, recordBytes);
    prevRecordStart = recordStart;
    lastRecordEnd = end;
    recordCount++;
    recordGot = 0;
    recordBytes = null;
    skipTo(end, isSwitch);
    sink.accept(record);
  }

  private static boolean allZero(byte[] b, int len) {
    for (int i = 0; i < len; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }
}
