package dev.argondb.bus;

/**
 * Creates a timeline on the pageserver. Without an ancestor it is a root timeline: one initdb, kept as
 * its first image, whose superuser is {@code superuser} with {@code superuserPassword} (only its SCRAM
 * verifier ends up in the image; never log the password). With {@code ancestorTimelineId} it is a
 * branch at {@code ancestorLsn} (0 = the ancestor's last ingested record end): metadata only, and the
 * superuser fields are ignored (a branch inherits its ancestor's roles). Reply:
 * {@link PageserverTimelineInfo}; fails with {@link BusErrors#BAD_REQUEST} for bad ids or an ancestor LSN
 * that is no record boundary of the ancestor, {@link BusErrors#NOT_FOUND} for an unknown ancestor,
 * {@link BusErrors#CONFLICT} for an existing timeline.
 */
public record PageserverCreateTimeline(String tenantId, String timelineId, String ancestorTimelineId,
                                       long ancestorLsn, String superuser, String superuserPassword) {

  public static PageserverCreateTimeline root(String tenantId, String timelineId, String superuser, String password) {
    return new PageserverCreateTimeline(tenantId, timelineId, null, 0, superuser, password);
  }

  public static PageserverCreateTimeline branch(String tenantId, String timelineId, String ancestorTimelineId,
                                                long ancestorLsn) {
    return new PageserverCreateTimeline(tenantId, timelineId, ancestorTimelineId, ancestorLsn, null, null);
  }

  @Override
  public String toString() {
    return "PageserverCreateTimeline[" + tenantId + "/" + timelineId
        + (ancestorTimelineId == null ? "" : " ancestor " + ancestorTimelineId + " at " + ancestorLsn) + "]";
  }
}
