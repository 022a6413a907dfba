package dev.argondb.pgformat;

/**
 * The fixed 24-byte header of every WAL record ({@code XLogRecord} in {@code access/xlogrecord.h}).
 *
 * @param totalLength xl_tot_len: the whole record, this header included
 * @param xid         xl_xid (unsigned 32-bit, as int)
 * @param prev        xl_prev: start LSN of the previous record
 * @param info        xl_info: high 4 bits belong to the resource manager
 * @param rmid        xl_rmid: resource manager ID (see {@link RmgrIds})
 * @param crc         xl_crc: CRC-32C of the data after the header, then of the header up to this field
 */
public record XLogRecordHeader(int totalLength, int xid, long prev, int info, int rmid, int crc) {
  /** SizeOfXLogRecord. */
  public static final int SIZE = 24;
  /** offsetof(XLogRecord, xl_crc): the CRC covers the header bytes before it. */
  public static final int CRC_OFFSET = 20;
  /** XLR_RMGR_INFO_MASK: the bits of xl_info a resource manager defines. */
  public static final int RMGR_INFO_MASK = 0xF0;
  /** XLogRecordMaxSize (Postgres 16+): longer records are never written, so such a length is garbage. */
  public static final int MAX_TOTAL_LENGTH = 1020 * 1024 * 1024;

  public static XLogRecordHeader parse(byte[] b, int off) {
    return new XLogRecordHeader(LittleEndian.i32(b, off), LittleEndian.i32(b, off + 4), LittleEndian.i64(b, off + 8),
        LittleEndian.u8(b, off + 16), LittleEndian.u8(b, off + 17), LittleEndian.i32(b, off + 20));
  }

  /** xl_info & XLR_RMGR_INFO_MASK: the record type within its resource manager. */
  public int rmgrInfo() {
    return info & RMGR_INFO_MASK;
  }

  /** xl_xid as an unsigned number. */
  public long xidUnsigned() {
    return xid & 0xFFFF_FFFFL;
  }
}
