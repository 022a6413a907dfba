package dev.argondb.bus;

/**
 * Every event-bus address in ArgonDB, in one place. Request/reply addresses name the
 * message record they accept and the record they reply with; publish addresses name the event.
 */
public final class BusAddresses {
  private BusAddresses() {}

  /** Request {@link WakeEndpoint}, reply {@link EndpointAddress}. Served by the control plane. */
  public static final String ENDPOINT_WAKE = "argon.control-plane.endpoint.wake";

  /** Request {@link StartCompute}, reply {@link ComputeStarted}. Served by the compute agent. */
  public static final String COMPUTE_START = "argon.compute.start";

  /** Request {@link StopCompute}, reply {@link ComputeStopped}. Served by the compute agent. */
  public static final String COMPUTE_STOP = "argon.compute.stop";

  /** Published {@link ComputeStateChanged} whenever a compute changes state. */
  public static final String COMPUTE_STATE = "argon.compute.state";

  /** Published {@link EndpointConnections} by each gateway when its connection count for an endpoint changes. */
  public static final String GATEWAY_ACTIVITY = "argon.gateway.activity";

  /** Published {@link SafekeeperFlushed} by each safekeeper after fsyncs, so peers can compute the commit LSN. */
  public static final String SAFEKEEPER_FLUSHED = "argon.safekeeper.flushed";

  /** Published {@link SafekeeperStarted} when a safekeeper comes up, so the control plane re-sends what to follow. */
  public static final String SAFEKEEPER_STARTED = "argon.safekeeper.started";

  /** Request {@link GetTimelineState}, reply {@link TimelineState}. Served by safekeeper {@code id}. */
  public static String safekeeperTimelineState(String id) {
    return "argon.safekeeper." + id + ".timeline-state";
  }

  /** Request {@link PrepareTerm}, reply {@link TimelineState}. Served by safekeeper {@code id}. */
  public static String safekeeperPrepareTerm(String id) {
    return "argon.safekeeper." + id + ".prepare-term";
  }

  /** Request {@link FollowCompute}, reply {@link TimelineState}. Served by safekeeper {@code id}. */
  public static String safekeeperFollow(String id) {
    return "argon.safekeeper." + id + ".follow";
  }

  /** Request {@link StopFollowing}, reply {@link TimelineState}. Served by safekeeper {@code id}. */
  public static String safekeeperStopFollowing(String id) {
    return "argon.safekeeper." + id + ".stop-following";
  }

  /**
   * Request {@link RoleVerifierLookup}, reply {@link RoleVerifier}; fails with {@link BusErrors#NOT_FOUND} for
   * an unknown endpoint. Served by the control plane; the gateway authenticates clients with it.
   */
  public static final String ROLE_VERIFIER_LOOKUP = "argon.control-plane.role.verifier";

  /** Request {@link SyncComputeRoles}, reply {@link ComputeRolesSynced}. Served by the compute agent. */
  public static final String COMPUTE_SYNC_ROLES = "argon.compute.sync-roles";

  /** Request {@link PageserverCreateTimeline}, reply {@link PageserverTimelineInfo}. Served by the pageserver. */
  public static final String PAGESERVER_CREATE_TIMELINE = "argon.pageserver.timeline.create";

  /** Request {@link PageserverGetTimeline}, reply {@link PageserverTimelineInfo}. Served by the pageserver. */
  public static final String PAGESERVER_TIMELINE_INFO = "argon.pageserver.timeline.info";

  /** Request {@link PageserverFollowTimeline}, reply {@link PageserverTimelineInfo}. Served by the pageserver. */
  public static final String PAGESERVER_FOLLOW_TIMELINE = "argon.pageserver.timeline.follow";

  /** Request {@link PageserverLsnForTime}, reply {@link PageserverLsnAtTime}. Served by the pageserver. */
  public static final String PAGESERVER_LSN_FOR_TIME = "argon.pageserver.timeline.lsn-for-time";

  /** Request {@link PageserverDeleteTimeline}, reply {@link PageserverTimelineInfo}. Served by the pageserver. */
  public static final String PAGESERVER_DELETE_TIMELINE = "argon.pageserver.timeline.delete";

  /** Request {@link PageserverCheckLsn}, reply {@link PageserverTimelineInfo}. Served by the pageserver. */
  public static final String PAGESERVER_CHECK_LSN = "argon.pageserver.timeline.check-lsn";

  /** Request {@link PageserverCatchUp}, reply {@link PageserverTimelineInfo}. Served by the pageserver. */
  public static final String PAGESERVER_CATCH_UP = "argon.pageserver.timeline.catch-up";

  /** Published {@link RoleChanged} by the control plane after a role was created, deleted or reset. */
  public static final String ROLE_CHANGED = "argon.control-plane.role.changed";

  /**
   * Event {@link PageserverRemoteConsistent}, published by the pageserver when a timeline's remote consistent LSN
   * moves (and every 10 s): its WAL up to there is in remote storage. Safekeepers drop whole segments below it
   * (minus their margin).
   */
  public static final String PAGESERVER_REMOTE_CONSISTENT = "argon.pageserver.timeline.remote-consistent";

  /** Request {@link PageserverTenantConfig}, reply {@link PageserverTenantConfig}. Served by the pageserver. */
  public static final String PAGESERVER_TENANT_CONFIG = "argon.pageserver.tenant.config";

  /** Request {@link PageserverCreateSnapshot}, reply {@link PageserverSnapshot}. Served by the pageserver. */
  public static final String PAGESERVER_SNAPSHOT_CREATE = "argon.pageserver.snapshot.create";

  /** Request {@link PageserverListSnapshots}, reply {@link PageserverSnapshots}. Served by the pageserver. */
  public static final String PAGESERVER_SNAPSHOT_LIST = "argon.pageserver.snapshot.list";

  /** Request {@link PageserverDeleteSnapshot}, reply {@link PageserverSnapshot}. Served by the pageserver. */
  public static final String PAGESERVER_SNAPSHOT_DELETE = "argon.pageserver.snapshot.delete";

  /** Request {@link PageserverRunGc}, reply {@link PageserverGcResult}. Served by the pageserver. */
  public static final String PAGESERVER_RUN_GC = "argon.pageserver.gc.run";
}
