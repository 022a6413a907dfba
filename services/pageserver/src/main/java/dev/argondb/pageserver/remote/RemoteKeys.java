package dev.argondb.pageserver.remote;

import dev.argondb.pgformat.WalSegments;

/** Names of remote objects: {@code tenants/<tenant>/timelines/<timeline>/{index.json, images/..., wal/...}}. */
public final class RemoteKeys {
  public static final String TENANTS = "tenants/";
  public static final String INDEX = "index.json";

  private RemoteKeys() {}

  public static String timelinePrefix(String tenantId, String timelineId) {
    return TENANTS + tenantId + "/timelines/" + timelineId + "/";
  }

  public static String index(String tenantId, String timelineId) {
    return timelinePrefix(tenantId, timelineId) + INDEX;
  }

  static String imageLayer(long lsn) {
    return String.format("images/%016X.tar", lsn);
  }

  /** A whole segment's WAL (from the timeline's start if that is inside it). */
  static String walSegment(long segNo) {
    return String.format("wal/%016X", segNo);
  }

  /** The start of a root timeline's first segment up to its start LSN (initdb's WAL), before the segment is whole. */
  static String walPartial(long endLsn) {
    return String.format("wal/%016X.partial-%016X", WalSegments.segmentNumber(endLsn), endLsn);
  }
}
