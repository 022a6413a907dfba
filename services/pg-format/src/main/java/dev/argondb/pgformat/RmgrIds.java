package dev.argondb.pgformat;

/** Resource manager IDs (xl_rmid) from {@code access/rmgrlist.h} that ArgonDB looks into. */
public final class RmgrIds {
  public static final int XLOG = 0;
  public static final int XACT = 1;
  public static final int SMGR = 2;
  public static final int HEAP2 = 9;
  public static final int HEAP = 10;
  public static final int BTREE = 11;

  /** XLOG rmgr record types (info & 0xF0), from {@code catalog/pg_control.h}. */
  public static final int XLOG_CHECKPOINT_SHUTDOWN = 0x00;
  public static final int XLOG_CHECKPOINT_ONLINE = 0x10;
  /** Ends a segment early: the rest of the segment is padding and the next record starts the next segment. */
  public static final int XLOG_SWITCH = 0x40;

  private RmgrIds() {}

  /** True for an XLOG_SWITCH record, after which WAL continues at the next segment. */
  public static boolean isSwitch(XLogRecordHeader header) {
    return header.rmid() == XLOG && header.rmgrInfo() == XLOG_SWITCH;
  }
}
