package dev.argondb.pageserver.index;

import dev.argondb.pageserver.wal.WalSegmentFiles;
import dev.argondb.pgformat.CheckpointRecord;
import dev.argondb.pgformat.DecodedRecord;
import dev.argondb.pgformat.Lsn;
import dev.argondb.pgformat.RmgrIds;
import dev.argondb.pgformat.WalRecord;
import dev.argondb.pgformat.WalRecordDecoder;
import dev.argondb.pgformat.XLogRecordHeader;
import dev.argondb.pgformat.XactRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.LongConsumer;
import java.util.function.Predicate;

/**
 * Stores and indexes one timeline's WAL as it arrives: writes the bytes into its segment files and walks
 * them with {@link WalRecordDecoder} (which checks page headers, prev-links and CRCs), recording every
 * record end, checkpoint and transaction end. Only checkpoint and transaction records keep their bytes.
 * Blocking and single-threaded (the ingest worker); readers see progress through {@link #lastRecordLsn()}.
 */
public final class WalIndexer {
  private static final Predicate<XLogRecordHeader> INDEXED_RECORDS = header ->
      header.rmid() == RmgrIds.XACT
          || (header.rmid() == RmgrIds.XLOG && (header.rmgrInfo() == RmgrIds.XLOG_CHECKPOINT_SHUTDOWN
          || header.rmgrInfo() == RmgrIds.XLOG_CHECKPOINT_ONLINE));

  private final WalSegmentFiles wal;
  private final WalIndex index;
  private WalRecordDecoder decoder;
  private volatile long lastRecordLsn;
  private volatile long receivedLsn;
  private long syncedLsn;
  private final LongConsumer advanced;

  public WalIndexer(WalSegmentFiles wal, WalIndex index, long resumeLsn) {
    this(wal, index, resumeLsn, lsn -> { });
  }

  /** {@code advanced} hears each new {@link #lastRecordLsn()}, right after readers can see it. */
  public WalIndexer(WalSegmentFiles wal, WalIndex index, long resumeLsn, LongConsumer advanced) {
    this.wal = wal;
    this.index = index;
    this.lastRecordLsn = resumeLsn;
    this.syncedLsn = resumeLsn;
    this.advanced = advanced;
    resetAtLastRecord();
  }

  /**
   * An indexer whose WAL starts at {@code pageLsn}, a page start inside the WAL (a restore after GC, whose WAL below
   * is gone): a record continued from the page before is skipped, as its page header says.
   */
  public static WalIndexer fromPageStart(WalSegmentFiles wal, WalIndex index, long pageLsn) {
    WalIndexer indexer = new WalIndexer(wal, index, pageLsn);
    indexer.decoder = WalRecordDecoder.atPageStart(pageLsn).retainBytes(INDEXED_RECORDS);
    return indexer;
  }

  /** End of the last complete record stored and indexed (readable, perhaps not yet durable). */
  public long lastRecordLsn() {
    return lastRecordLsn;
  }

  /** Where the next byte is expected; after a reconnect, a stream must start at {@link #lastRecordLsn()}. */
  public long nextLsn() {
    return decoder.nextLsn();
  }

  /** End of the WAL stored so far: past {@link #lastRecordLsn()} by a record not complete yet. */
  public long receivedLsn() {
    return receivedLsn;
  }

  /** Forgets a partial record fed from a stream that broke: the next stream starts at the last record end. */
  public void resetAtLastRecord() {
    receivedLsn = lastRecordLsn;
    decoder = WalRecordDecoder.atRecordBoundary(lastRecordLsn).retainBytes(INDEXED_RECORDS);
  }

  /**
   * Stores and indexes {@code data}, which starts at {@code startLsn}; bytes before {@link #nextLsn()}
   * (a resent overlap) are skipped. Returns how many new bytes were taken.
   */
  public long ingest(long startLsn, ByteBuffer data) throws IOException {
    long next = decoder.nextLsn();
    if (Lsn.compare(startLsn, next) > 0) {
      throw new IOException("WAL gap: got " + Lsn.format(startLsn) + ", expected " + Lsn.format(next));
    }
    long skip = next - startLsn;
    if (skip >= data.remaining()) {
      return 0;
    }
    data.position(data.position() + (int) skip);
    int length = data.remaining();
    wal.write(next, data.duplicate());
    receivedLsn = next + length;
    IOException[] failure = new IOException[1];
    decoder.feed(next, data, record -> {
      try {
        index(record);
      } catch (IOException e) {
        failure[0] = e;
      }
    });
    if (failure[0] != null) {
      throw failure[0];
    }
    index.flush();
    long before = lastRecordLsn;
    lastRecordLsn = decoder.lastRecordEnd();
    if (lastRecordLsn != before) {
      advanced.accept(lastRecordLsn);
    }
    return length;
  }

  /** Makes everything up to {@link #lastRecordLsn()} durable and saves it as the resume point. */
  public void sync() throws IOException {
    long upTo = lastRecordLsn;
    if (upTo == syncedLsn) {
      return;
    }
    wal.sync();
    index.sync(upTo);
    syncedLsn = upTo;
  }

  private void index(WalRecord record) throws IOException {
    index.boundaries().add(record.endLsn());
    if (!record.hasBytes()) {
      return;
    }
    DecodedRecord decoded = record.decode();
    CheckpointRecord.from(decoded).ifPresent(cp -> index.checkpoints()
        .add(new CheckpointEntry(cp.lsn(), record.endLsn(), cp.redoLsn(), cp.shutdown())));
    XactRecord.from(decoded).ifPresent(xact -> index.commits()
        .add(new CommitEntry(xact.lsn(), xact.endLsn(), xact.xactTime(), xact.kind() == XactRecord.Kind.COMMIT)));
  }
}
