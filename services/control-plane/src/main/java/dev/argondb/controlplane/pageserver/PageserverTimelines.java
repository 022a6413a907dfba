package dev.argondb.controlplane.pageserver;

import dev.argondb.bus.Bus;
import dev.argondb.bus.BusAddresses;
import dev.argondb.bus.BusErrors;
import dev.argondb.bus.PageserverCatchUp;
import dev.argondb.bus.PageserverCheckLsn;
import dev.argondb.bus.PageserverCreateTimeline;
import dev.argondb.bus.PageserverDeleteTimeline;
import dev.argondb.bus.PageserverLsnAtTime;
import dev.argondb.bus.PageserverLsnForTime;
import dev.argondb.bus.PageserverCreateSnapshot;
import dev.argondb.bus.PageserverDeleteSnapshot;
import dev.argondb.bus.PageserverListSnapshots;
import dev.argondb.bus.PageserverSnapshot;
import dev.argondb.bus.PageserverSnapshots;
import dev.argondb.bus.PageserverTenantConfig;
import dev.argondb.bus.PageserverTimelineInfo;
import dev.argondb.bus.SystemRoles;
import dev.argondb.controlplane.ControlPlaneError;
import dev.argondb.controlplane.roles.GeneratedPasswords;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * The control plane's requests to the pageserver about timelines, over the event bus. A refusal comes back
 * as the {@link ControlPlaneError} the REST API answers with, carrying the pageserver's own message: an
 * LSN outside a timeline's WAL is the caller's mistake (400), as is one that is no record boundary.
 */
public final class PageserverTimelines {
  /** A root timeline is an initdb (about a second, more on a busy machine). */
  private static final long CREATE_ROOT_TIMEOUT_MILLIS = 60_000;
  /** Everything else is metadata or an index lookup. */
  private static final long REQUEST_TIMEOUT_MILLIS = 15_000;
  /** Ingest follows the safekeepers within milliseconds; this long means it is stuck. */
  private static final long CATCH_UP_TIMEOUT_MILLIS = 10_000;
  /** The pageserver's "LSN outside the timeline's WAL" code (like HTTP 416). */
  private static final int OUT_OF_RANGE = 416;

  private final EventBus bus;

  public PageserverTimelines(EventBus bus) {
    this.bus = bus;
  }

  /**
   * Creates a root timeline (one initdb). Its bootstrap superuser is the agent's; the password is random and
   * thrown away at once: the compute agent manages computes over a private local socket, not with it.
   */
  public Future<PageserverTimelineInfo> createRoot(String tenantId, String timelineId) {
    return request(BusAddresses.PAGESERVER_CREATE_TIMELINE, PageserverCreateTimeline.root(tenantId, timelineId,
        SystemRoles.AGENT_SUPERUSER, GeneratedPasswords.next()), PageserverTimelineInfo.class,
        CREATE_ROOT_TIMEOUT_MILLIS);
  }

  /**
   * Creates a branch of {@code ancestorId} at {@code ancestorLsn}, or (0) at the ancestor's end once the pageserver
   * has ingested its WAL up to {@code catchUpLsn} (0: its end as ingested now); metadata only.
   */
  public Future<PageserverTimelineInfo> createBranch(String tenantId, String timelineId, String ancestorId,
                                                     long ancestorLsn, long catchUpLsn) {
    PageserverCreateTimeline request = ancestorLsn != 0
        ? PageserverCreateTimeline.branch(tenantId, timelineId, ancestorId, ancestorLsn)
        : PageserverCreateTimeline.branchAtEnd(tenantId, timelineId, ancestorId, catchUpLsn);
    return request(BusAddresses.PAGESERVER_CREATE_TIMELINE, request, PageserverTimelineInfo.class,
        PageserverCreateTimeline.CATCH_UP_TIMEOUT_MILLIS + REQUEST_TIMEOUT_MILLIS);
  }

  /**
   * How long the pageserver holds a GC lease on an LSN resolved for a branch or snapshot: the branch (whose
   * ancestor LSN then retains the data) is created well within it.
   */
  public static final long GC_LEASE_MILLIS = 60_000;

  /**
   * The end of the last commit at or before {@code epochMicros} on the timeline or its ancestors, held from GC for
   * {@link #GC_LEASE_MILLIS} so the branch created there next finds its data.
   */
  public Future<PageserverLsnAtTime> lsnForTime(String tenantId, String timelineId, long epochMicros) {
    return request(BusAddresses.PAGESERVER_LSN_FOR_TIME,
        new PageserverLsnForTime(tenantId, timelineId, epochMicros, GC_LEASE_MILLIS),
        PageserverLsnAtTime.class, REQUEST_TIMEOUT_MILLIS);
  }

  /** Tells the pageserver a tenant's settings (it keeps them, and GC follows its PITR window). */
  public Future<PageserverTenantConfig> configureTenant(String tenantId, long pitrIntervalSeconds) {
    return request(BusAddresses.PAGESERVER_TENANT_CONFIG, new PageserverTenantConfig(tenantId, pitrIntervalSeconds),
        PageserverTenantConfig.class, REQUEST_TIMEOUT_MILLIS);
  }

  /** Takes a snapshot of the timeline at {@code lsn} (0: its ingested end). */
  public Future<PageserverSnapshot> createSnapshot(String tenantId, String timelineId, String name, long lsn) {
    return request(BusAddresses.PAGESERVER_SNAPSHOT_CREATE, new PageserverCreateSnapshot(tenantId, timelineId, name,
        lsn), PageserverSnapshot.class, REQUEST_TIMEOUT_MILLIS);
  }

  public Future<PageserverSnapshots> listSnapshots(String tenantId) {
    return request(BusAddresses.PAGESERVER_SNAPSHOT_LIST, new PageserverListSnapshots(tenantId),
        PageserverSnapshots.class, REQUEST_TIMEOUT_MILLIS);
  }

  public Future<PageserverSnapshot> deleteSnapshot(String tenantId, String name) {
    return request(BusAddresses.PAGESERVER_SNAPSHOT_DELETE, new PageserverDeleteSnapshot(tenantId, name),
        PageserverSnapshot.class, REQUEST_TIMEOUT_MILLIS);
  }

  /** Succeeds when a compute can start on the timeline at {@code lsn}: a record boundary within its WAL. */
  public Future<PageserverTimelineInfo> checkLsn(String tenantId, String timelineId, long lsn) {
    return checkLsn(tenantId, timelineId, lsn, 0);
  }

  /** As {@link #checkLsn(String, String, long)}, and GC keeps {@code lsn} readable for {@code leaseMillis}. */
  public Future<PageserverTimelineInfo> checkLsn(String tenantId, String timelineId, long lsn, long leaseMillis) {
    return request(BusAddresses.PAGESERVER_CHECK_LSN, new PageserverCheckLsn(tenantId, timelineId, lsn, leaseMillis),
        PageserverTimelineInfo.class, REQUEST_TIMEOUT_MILLIS);
  }

  /** Completes once the pageserver has ingested the timeline's WAL up to {@code lsn} (503 if it lags too long). */
  public Future<PageserverTimelineInfo> catchUp(String tenantId, String timelineId, long lsn) {
    return request(BusAddresses.PAGESERVER_CATCH_UP, new PageserverCatchUp(tenantId, timelineId, lsn,
        CATCH_UP_TIMEOUT_MILLIS), PageserverTimelineInfo.class, CATCH_UP_TIMEOUT_MILLIS + REQUEST_TIMEOUT_MILLIS);
  }

  /** Deletes the timeline; one the pageserver does not know counts as deleted. */
  public Future<Void> delete(String tenantId, String timelineId) {
    return request(BusAddresses.PAGESERVER_DELETE_TIMELINE, new PageserverDeleteTimeline(tenantId, timelineId),
        PageserverTimelineInfo.class, REQUEST_TIMEOUT_MILLIS)
        .<Void>mapEmpty()
        .recover(failure -> failure instanceof ControlPlaneError error && error.status() == BusErrors.NOT_FOUND
            ? Future.succeededFuture() : Future.failedFuture(failure));
  }

  private <R> Future<R> request(String address, Object message, Class<R> replyType, long timeoutMillis) {
    return Bus.request(bus, address, message, replyType, timeoutMillis)
        .recover(failure -> Future.failedFuture(asControlPlaneError(failure)));
  }

  /** What a pageserver failure means to the API's caller. */
  static Throwable asControlPlaneError(Throwable failure) {
    if (!(failure instanceof ReplyException reply)) {
      return failure;
    }
    if (reply.failureType() != ReplyFailure.RECIPIENT_FAILURE) {
      // No pageserver on the bus, or it did not answer in time: nothing the caller did wrong.
      return ControlPlaneError.unavailable("pageserver unavailable: " + reply.getMessage());
    }
    return switch (reply.failureCode()) {
      case BusErrors.BAD_REQUEST, OUT_OF_RANGE -> ControlPlaneError.badRequest(reply.getMessage());
      case BusErrors.NOT_FOUND -> ControlPlaneError.notFound(reply.getMessage());
      case BusErrors.CONFLICT -> ControlPlaneError.conflict(reply.getMessage());
      default -> ControlPlaneError.unavailable("pageserver failed: " + reply.getMessage());
    };
  }
}
