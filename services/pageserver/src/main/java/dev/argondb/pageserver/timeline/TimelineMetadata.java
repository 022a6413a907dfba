package dev.argondb.pageserver.timeline;

import io.vertx.core.json.JsonObject;

/**
 * What never changes about a timeline once created.
 *
 * @param ancestorTimelineId null for a root timeline
 * @param ancestorLsn        the branch point (0 for a root timeline)
 * @param startLsn           where the timeline's own WAL starts: the end of initdb's checkpoint record, or the
 *                           branch point; the first LSN a compute of this timeline can start at
 */
public record TimelineMetadata(String tenantId, String timelineId, String ancestorTimelineId, long ancestorLsn,
                               long startLsn) {

  public boolean isBranch() {
    return ancestorTimelineId != null;
  }

  public JsonObject toJson() {
    return new JsonObject().put("tenant_id", tenantId).put("timeline_id", timelineId)
        .put("ancestor_timeline_id", ancestorTimelineId).put("ancestor_lsn", ancestorLsn).put("start_lsn", startLsn);
  }

  public static TimelineMetadata fromJson(JsonObject json) {
    return new TimelineMetadata(json.getString("tenant_id"), json.getString("timeline_id"),
        json.getString("ancestor_timeline_id"), json.getLong("ancestor_lsn"), json.getLong("start_lsn"));
  }
}
