package dev.argondb.bus;

/**
 * Creates a timeline on the pageserver. Without an ancestor it is a root timeline: one initdb, kept as
 * its first image, whose superuser is {@code superuser} with {@code superuserPassword} (only its SCRAM
 * verifier ends up in the image; never log the password). With {@code ancestorTimelineId} it is a
 * branch at {@code ancestorLsn} (0 = the ancestor's last ingested record end): metadata only, and the
 * superuser fields are ignored (a branch inherits its ancestor's roles). A branch at the end with a non-zero
 * {@code catchUpLsn} (the safekeepers' commit LSN) is created once the pageserver has ingested the ancestor's WAL
 * up to it, as {@link PageserverCatchUp} would wait, so it holds every COMMIT acknowledged before the request (in
 * the same round trip); it fails with {@link BusErrors#UNAVAILABLE} after {@link #CATCH_UP_TIMEOUT_MILLIS}. Reply:
 * {@link PageserverTimelineInfo}; fails with {@link BusErrors#BAD_REQUEST} for bad ids or an ancestor LSN
 * that is no record boundary of the ancestor, {@link BusErrors#NOT_FOUND} for an unknown ancestor,
 * {@link BusErrors#CONFLICT} for an existing timeline.
 */
public record PageserverCreateTimeline(String tenantId, String timelineId, String ancestorTimelineId,
                                       long ancestorLsn, long catchUpLsn, String superuser, String superuserPassword) {
  /** Ingest follows the safekeepers within milliseconds; a catch-up this long means it is stuck. */
  public static final long CATCH_UP_TIMEOUT_MILLIS = 10_000;

  public static PageserverCreateTimeline root(String tenantId, String timelineId, String superuser, String password) {
    return new PageserverCreateTimeline(tenantId, timelineId, null, 0, 0, superuser, password);
  }

  public static PageserverCreateTimeline branch(String tenantId, String timelineId, String ancestorTimelineId,
                                                long ancestorLsn) {
    return new PageserverCreateTimeline(tenantId, timelineId, ancestorTimelineId, ancestorLsn, 0, null, null);
  }

  /** A branch at the ancestor's end once its ingest reached {@code catchUpLsn} (0: at once). */
  public static PageserverCreateTimeline branchAtEnd(String tenantId, String timelineId, String ancestorTimelineId,
                                                     long catchUpLsn) {
    return new PageserverCreateTimeline(tenantId, timelineId, ancestorTimelineId, 0, catchUpLsn, null, null);
  }

  /** Whether the creation waits for ingest first. */
  public boolean catchesUp() {
    return ancestorTimelineId != null && ancestorLsn == 0 && catchUpLsn != 0;
  }

  @Override
  public String toString() {
    return "PageserverCreateTimeline[" + tenantId + "/" + timelineId
        + (ancestorTimelineId == null ? "" : " ancestor " + ancestorTimelineId + " at " + ancestorLsn)
        + (catchesUp() ? " after catching up to " + catchUpLsn : "") + "]";
  }
}
