package dev.argondb.safekeeper.timeline;

/** A timeline is addressed by tenant and timeline id: WAL file names repeat across timelines. */
public record TimelineKey(String tenantId, String timelineId) {
  @Override
  public String toString() {
    return tenantId + "/" + timelineId;
  }
}
