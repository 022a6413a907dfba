package dev.argondb.pgformat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * {@code global/pg_control} of a Postgres 17 data directory: read it, and write a copy with another
 * state or minimum recovery point. The field offsets come from {@link #LAYOUT}, the
 * {@code ControlFileData} struct declared field by field; the file ends its struct with a CRC-32C
 * of everything before it, and is zero-padded to {@link #FILE_SIZE} bytes.
 */
public final class ControlFile {
  /** PG_CONTROL_FILE_SIZE. */
  public static final int FILE_SIZE = 8192;
  /** PG_CONTROL_VERSION of Postgres 17. */
  public static final int PG17_CONTROL_VERSION = 1700;
  /** MOCK_AUTH_NONCE_LEN. */
  private static final int MOCK_AUTH_NONCE_LEN = 32;

  /** {@code CheckPoint} of Postgres 17 (the copy of the last checkpoint record kept in pg_control). */
  public static final CStructLayout CHECKPOINT_LAYOUT = CStructLayout.builder("CheckPoint")
      .int64("redo")
      .int32("ThisTimeLineID")
      .int32("PrevTimeLineID")
      .bool("fullPageWrites")
      .int32("wal_level")
      .int64("nextXid") // FullTransactionId: a struct of one uint64
      .int32("nextOid")
      .int32("nextMulti")
      .int32("nextMultiOffset")
      .int32("oldestXid")
      .int32("oldestXidDB")
      .int32("oldestMulti")
      .int32("oldestMultiDB")
      .int64("time")
      .int32("oldestCommitTsXid")
      .int32("newestCommitTsXid")
      .int32("oldestActiveXid")
      .build();

  /** {@code ControlFileData} of Postgres 17, in declaration order. */
  public static final CStructLayout LAYOUT = CStructLayout.builder("ControlFileData")
      .int64("system_identifier")
      .int32("pg_control_version")
      .int32("catalog_version_no")
      .int32("state")
      .int64("time")
      .int64("checkPoint")
      .struct("checkPointCopy", CHECKPOINT_LAYOUT)
      .int64("unloggedLSN")
      .int64("minRecoveryPoint")
      .int32("minRecoveryPointTLI")
      .int64("backupStartPoint")
      .int64("backupEndPoint")
      .bool("backupEndRequired")
      .int32("wal_level")
      .bool("wal_log_hints")
      .int32("MaxConnections")
      .int32("max_worker_processes")
      .int32("max_wal_senders")
      .int32("max_prepared_xacts")
      .int32("max_locks_per_xact")
      .bool("track_commit_timestamp")
      .int32("maxAlign")
      .float64("floatFormat")
      .int32("blcksz")
      .int32("relseg_size")
      .int32("xlog_blcksz")
      .int32("xlog_seg_size")
      .int32("nameDataLen")
      .int32("indexMaxKeys")
      .int32("toast_max_chunk_size")
      .int32("loblksize")
      .bool("float8ByVal")
      .int32("data_checksum_version")
      .chars("mock_authentication_nonce", MOCK_AUTH_NONCE_LEN)
      .int32("crc")
      .build();

  /** offsetof(ControlFileData, crc): the CRC covers every byte before it. */
  public static final int CRC_OFFSET = LAYOUT.offset("crc");

  private final byte[] bytes;

  private ControlFile(byte[] bytes) {
    this.bytes = bytes;
  }

  public static ControlFile read(Path file) throws IOException {
    return parse(Files.readAllBytes(file));
  }

  /** Parses and checks the CRC and the format version. */
  public static ControlFile parse(byte[] content) {
    if (content.length < LAYOUT.size()) {
      throw new PgFormatException("pg_control is " + content.length + " bytes, shorter than ControlFileData");
    }
    byte[] copy = new byte[FILE_SIZE];
    System.arraycopy(content, 0, copy, 0, Math.min(content.length, FILE_SIZE));
    ControlFile file = new ControlFile(copy);
    int version = file.i32("pg_control_version");
    if (version != PG17_CONTROL_VERSION) {
      throw new PgFormatException("pg_control version " + version + ", expected " + PG17_CONTROL_VERSION);
    }
    if (file.i32("crc") != file.computeCrc()) {
      throw new PgFormatException(String.format("pg_control CRC mismatch (stored %08X, computed %08X)",
          file.i32("crc"), file.computeCrc()));
    }
    return file;
  }

  public long systemIdentifier() {
    return i64("system_identifier");
  }

  public int controlVersion() {
    return i32("pg_control_version");
  }

  public DbState state() {
    return DbState.of(i32("state"));
  }

  /** Start LSN of the last checkpoint record. */
  public long checkPoint() {
    return i64("checkPoint");
  }

  /** Redo LSN of the last checkpoint: where crash recovery starts replaying. */
  public long redo() {
    return i64("checkPointCopy.redo");
  }

  public int timeLineId() {
    return i32("checkPointCopy.ThisTimeLineID");
  }

  /** How far a recovery that wrote this file had replayed (0 when not in recovery). */
  public long minRecoveryPoint() {
    return i64("minRecoveryPoint");
  }

  public int walSegmentSize() {
    return i32("xlog_seg_size");
  }

  public int walPageSize() {
    return i32("xlog_blcksz");
  }

  /** A copy with {@code state} and a recomputed CRC. */
  public ControlFile withState(DbState state) {
    return with("state", state.value(), false);
  }

  /** A copy with {@code minRecoveryPoint} and a recomputed CRC. */
  public ControlFile withMinRecoveryPoint(long lsn) {
    return with("minRecoveryPoint", lsn, true);
  }

  /** The 8192 bytes of the file. */
  public byte[] bytes() {
    return bytes.clone();
  }

  /** Writes the file durably: a temporary file, fsync, rename over {@code file}. */
  public void write(Path file) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private ControlFile with(String field, long value, boolean wide) {
    byte[] copy = bytes.clone();
    if (wide) {
      LittleEndian.putI64(copy, LAYOUT.offset(field), value);
    } else {
      LittleEndian.putI32(copy, LAYOUT.offset(field), (int) value);
    }
    ControlFile updated = new ControlFile(copy);
    LittleEndian.putI32(copy, CRC_OFFSET, updated.computeCrc());
    return updated;
  }

  private int computeCrc() {
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, CRC_OFFSET);
    return (int) crc.getValue();
  }

  private int i32(String field) {
    return LittleEndian.i32(bytes, LAYOUT.offset(field));
  }

  private long i64(String field) {
    return LittleEndian.i64(bytes, LAYOUT.offset(field));
  }
}
