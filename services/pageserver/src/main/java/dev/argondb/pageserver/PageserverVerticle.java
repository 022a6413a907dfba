package dev.argondb.pageserver;

import dev.argondb.bus.BusAddresses;
import dev.argondb.bus.BusErrors;
import dev.argondb.bus.PageserverCheckLsn;
import dev.argondb.bus.PageserverCatchUp;
import dev.argondb.bus.PageserverCreateTimeline;
import dev.argondb.bus.PageserverDeleteTimeline;
import dev.argondb.bus.PageserverGetTimeline;
import dev.argondb.bus.PageserverLsnForTime;
import dev.argondb.bus.PageserverLsnAtTime;
import dev.argondb.pageserver.gc.GcLeases;
import dev.argondb.pageserver.gc.TenantSettings;
import dev.argondb.pageserver.ingest.CatchUp;
import dev.argondb.pageserver.ingest.WalIngestVerticle;
import dev.argondb.pageserver.timeline.LsnForTime;
import dev.argondb.pageserver.timeline.Timeline;
import dev.argondb.pageserver.timeline.TimelineCreator;
import dev.argondb.pageserver.timeline.TimelineDeleter;
import dev.argondb.pageserver.timeline.Timelines;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pageserver's bus face for timelines: create (root or branch), describe, delete, and find the LSN of a
 * time. Everything that touches disk runs on a worker; creations and deletions are serialized (ordered).
 */
public final class PageserverVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(PageserverVerticle.class);

  private final Timelines timelines;
  private final TimelineCreator creator;
  private final TimelineDeleter deleter;
  private final PageserverMetrics metrics;
  private final LogicalSizes logicalSizes = new LogicalSizes();

  private final TenantSettings settings;
  private final GcLeases leases;

  public PageserverVerticle(Timelines timelines, TimelineCreator creator, PageserverMetrics metrics,
                            TenantSettings settings, GcLeases leases) {
    this.settings = settings;
    this.leases = leases;
    this.timelines = timelines;
    this.creator = creator;
    this.deleter = new TimelineDeleter(timelines);
    this.metrics = metrics;
  }

  /** How often logical sizes are brought up to date (a new image, a new timeline). */
  static final long LOGICAL_SIZE_REFRESH_MILLIS = 10_000;
  /** How often new branches' directories are made durable in the background (their journal then emptied). */
  static final long CREATION_CHECKPOINT_MILLIS = 1_000;

  private final AtomicBoolean checkpointing = new AtomicBoolean();

  @Override
  public Future<?> start() {
    refreshLogicalSizes();
    vertx.setPeriodic(LOGICAL_SIZE_REFRESH_MILLIS, id -> refreshLogicalSizes());
    vertx.setPeriodic(CREATION_CHECKPOINT_MILLIS, id -> checkpointCreations());
    EventBus bus = vertx.eventBus();
    return Future.all(
        bus.<PageserverCreateTimeline>consumer(BusAddresses.PAGESERVER_CREATE_TIMELINE, this::create).completion(),
        bus.<PageserverGetTimeline>consumer(BusAddresses.PAGESERVER_TIMELINE_INFO,
            m -> answer(m, false, () -> timelines.get(m.body().tenantId(), m.body().timelineId()).info())).completion(),
        bus.<PageserverLsnForTime>consumer(BusAddresses.PAGESERVER_LSN_FOR_TIME,
            m -> answer(m, false, () -> lsnForTime(m.body()))).completion(),
        bus.<PageserverCheckLsn>consumer(BusAddresses.PAGESERVER_CHECK_LSN, m -> answer(m, false, () -> {
          Timeline timeline = timelines.get(m.body().tenantId(), m.body().timelineId());
          // Under the timelines' lock, which GC holds while settling its cutoff: the lease is seen or refused.
          synchronized (timelines) {
            timeline.checkStartable(m.body().lsn() == 0 ? timeline.lastRecordLsn() : m.body().lsn());
            if (m.body().leaseMillis() > 0) {
              leases.take(timeline.tenantId(), timeline.timelineId(),
                  m.body().lsn() == 0 ? timeline.lastRecordLsn() : m.body().lsn(), m.body().leaseMillis());
            }
          }
          return timeline.info();
        })).completion(),
        bus.<PageserverDeleteTimeline>consumer(BusAddresses.PAGESERVER_DELETE_TIMELINE, this::delete).completion(),
        bus.<PageserverCatchUp>consumer(BusAddresses.PAGESERVER_CATCH_UP, this::catchUp).completion());
  }

  /**
   * The LSN of a time, refused for a time before the tenant's PITR window (its history may be collected); with a
   * lease, the LSN found is held from GC (on the timeline whose WAL holds it) until the branch exists.
   */
  private PageserverLsnAtTime lsnForTime(PageserverLsnForTime request) throws java.io.IOException {
    Timeline timeline = timelines.get(request.tenantId(), request.timelineId());
    synchronized (timelines) {
      java.time.Duration window = settings.pitrInterval(request.tenantId());
      long windowStartMicros = (System.currentTimeMillis() - window.toMillis()) * 1000;
      boolean tooOld = request.epochMicros() < windowStartMicros;
      PageserverException outsideWindow = PageserverException.badRequest(
          java.time.Instant.EPOCH.plusNanos(request.epochMicros() * 1000) + " is older than the tenant's PITR window"
          + " (pitr_interval " + TenantSettings.describe(window) + ": nothing before "
          + java.time.Instant.EPOCH.plusNanos(windowStartMicros * 1000) + ")");
      PageserverLsnAtTime found;
      try {
        found = LsnForTime.find(timeline, request.epochMicros());
      } catch (PageserverException none) {
        // With the whole history, "no commit that old" (404) is the answer; once GC collected some, the commit
        // index may start later, and a time outside the window is refused for that.
        if (tooOld && timeline.gcState().cutoffLsn() != 0) {
          throw outsideWindow;
        }
        throw none;
      }
      if (tooOld) {
        throw outsideWindow;
      }
      Timeline holder = timelines.get(request.tenantId(), found.timelineId());
      holder.checkStartable(found.lsn());
      if (request.leaseMillis() > 0) {
        leases.take(request.tenantId(), found.timelineId(), found.lsn(), request.leaseMillis());
      }
      return found;
    }
  }

  /**
   * Creates a timeline and replies; its logical size is computed after the reply (it reads the manifests of the
   * image chain a branch sees: a quarter of a millisecond on the path of every branch creation otherwise).
   */
  private void create(Message<PageserverCreateTimeline> message) {
    PageserverCreateTimeline request = message.body();
    Future<Timeline> created = caughtUpForBranch(request).compose(ready -> vertx.executeBlocking(() -> {
      Timeline timeline = creator.create(request);
      metrics.track(timeline);
      return timeline;
    }, true));
    reply(message, created.map(Timeline::info));
    created.onSuccess(timeline -> vertx.executeBlocking(() -> {
      logicalSizes.refresh(timeline, metrics);
      return null;
    }, false));
  }

  /** A branch at its ancestor's end first waits for the ancestor's ingest to reach the given commit LSN. */
  private Future<Void> caughtUpForBranch(PageserverCreateTimeline request) {
    if (!request.catchesUp()) {
      return Future.succeededFuture();
    }
    Timeline ancestor;
    try {
      ancestor = timelines.get(request.tenantId(), request.ancestorTimelineId());
    } catch (PageserverException refused) {
      return Future.failedFuture(refused.code() != BusErrors.NOT_FOUND ? refused : PageserverException.notFound(
          "no ancestor timeline " + request.tenantId() + "/" + request.ancestorTimelineId() + " on this pageserver"));
    }
    return CatchUp.to(vertx, ancestor, request.catchUpLsn(),
        PageserverCreateTimeline.CATCH_UP_TIMEOUT_MILLIS);
  }

  private void catchUp(Message<PageserverCatchUp> message) {
    PageserverCatchUp request = message.body();
    Timeline timeline;
    try {
      timeline = timelines.get(request.tenantId(), request.timelineId());
    } catch (PageserverException unknown) {
      message.fail(unknown.code(), unknown.getMessage());
      return;
    }
    CatchUp.to(vertx, timeline, request.lsn(), request.timeoutMillis())
        .onSuccess(caughtUp -> message.reply(timeline.info()))
        .onFailure(failure -> message.fail(failure instanceof PageserverException e ? e.code() : BusErrors.INTERNAL,
            failure.getMessage()));
  }

  private void checkpointCreations() {
    if (!checkpointing.compareAndSet(false, true)) {
      return;
    }
    vertx.executeBlocking(() -> {
      timelines.journal().checkpoint();
      return null;
    }, false).onComplete(done -> {
      checkpointing.set(false);
      if (done.failed()) {
        LOG.warn("Making new branches' directories durable failed (their creation journal keeps them): {}",
            done.cause().toString());
      }
    });
  }

  private void refreshLogicalSizes() {
    vertx.executeBlocking(() -> {
      logicalSizes.refreshChanged(timelines, metrics);
      return null;
    }, false);
  }

  /** Detach (refusals come from here), stop its ingest, then remove its files and meters. */
  private void delete(Message<PageserverDeleteTimeline> message) {
    PageserverDeleteTimeline request = message.body();
    reply(message, vertx.executeBlocking(() -> deleter.detach(request.tenantId(), request.timelineId()), true)
        .compose(timeline -> vertx.eventBus().request(WalIngestVerticle.STOP_INGEST, WalIngestVerticle.key(timeline))
            .compose(stopped -> vertx.executeBlocking(() -> deleter.removeFiles(timeline), true))
            .onSuccess(deleted -> metrics.untrack(timeline))));
  }

  private <T> void answer(Message<T> message, boolean ordered, Callable<Object> work) {
    reply(message, vertx.executeBlocking(work, ordered));
  }

  private <T> void reply(Message<T> message, Future<?> work) {
    BusReplies.reply(message, work);
  }

}
