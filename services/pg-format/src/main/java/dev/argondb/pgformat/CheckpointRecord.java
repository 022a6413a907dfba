package dev.argondb.pgformat;

import java.util.Optional;

/**
 * A checkpoint WAL record (RM_XLOG, XLOG_CHECKPOINT_SHUTDOWN or XLOG_CHECKPOINT_ONLINE). Its main
 * data is a {@code CheckPoint} struct, whose first fields are the redo LSN and the timeline ID.
 *
 * @param lsn        where the checkpoint record starts (pg_control's checkPoint)
 * @param redoLsn    where replay must start to use this checkpoint
 * @param timelineId ThisTimeLineID
 * @param shutdown   written by a clean shutdown
 */
public record CheckpointRecord(long lsn, long redoLsn, int timelineId, boolean shutdown) {
  /** The record as a checkpoint, or empty if it is none. */
  public static Optional<CheckpointRecord> from(DecodedRecord decoded) {
    WalRecord r = decoded.record();
    int type = r.header().rmgrInfo();
    if (r.rmid() != RmgrIds.XLOG
        || (type != RmgrIds.XLOG_CHECKPOINT_SHUTDOWN && type != RmgrIds.XLOG_CHECKPOINT_ONLINE)) {
      return Optional.empty();
    }
    var data = decoded.mainData();
    if (data.remaining() < 12) {
      throw new WalFormatException(r.startLsn(), "checkpoint record with " + data.remaining() + " bytes of main data");
    }
    return Optional.of(new CheckpointRecord(r.startLsn(), data.getLong(0), data.getInt(8),
        type == RmgrIds.XLOG_CHECKPOINT_SHUTDOWN));
  }
}
