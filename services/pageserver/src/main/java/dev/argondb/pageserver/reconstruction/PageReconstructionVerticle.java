package dev.argondb.pageserver.reconstruction;

import dev.argondb.pageserver.PageserverConfig;
import dev.argondb.pageserver.image.Image;
import dev.argondb.pageserver.timeline.Timeline;
import dev.argondb.pageserver.timeline.Timelines;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Page reconstruction: every {@code redoCheckMillis} checks each timeline and rolls its newest image
 * forward when due ({@link ImageRollForward}). Runs go to a worker pool of {@code redoConcurrency} threads
 * (never an event loop, and never more redo Postgres processes at once); a timeline is checked or run by one
 * task at a time. At start, leftovers of runs a crash interrupted are removed; at stop, running redo
 * processes are killed.
 */
public final class PageReconstructionVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(PageReconstructionVerticle.class);

  private final PageserverConfig config;
  private final Timelines timelines;
  private final ImageRollForward rollForward;
  /** After a failure a timeline waits before its next run: the check period, doubled per failure, up to this. */
  private static final long MAX_RETRY_DELAY_MILLIS = 10 * 60_000;

  private final Set<String> busy = ConcurrentHashMap.newKeySet();
  private final Map<String, Retry> retries = new ConcurrentHashMap<>();
  private final List<Future<?>> inFlight = new ArrayList<>();
  private WorkerExecutor redoWorkers;
  private long timer = -1;

  public PageReconstructionVerticle(PageserverConfig config, Timelines timelines, ImageRollForward rollForward) {
    this.config = config;
    this.timelines = timelines;
    this.rollForward = rollForward;
  }

  @Override
  public Future<?> start() {
    redoWorkers = vertx.createSharedWorkerExecutor("argon-redo-" + deploymentID(), config.redoConcurrency(), 1,
        TimeUnit.HOURS);
    return vertx.executeBlocking(() -> {
      for (Timeline timeline : timelines.all()) {
        ImageRollForward.removeLeftovers(timeline);
      }
      return null;
    }).onSuccess(cleaned -> timer = vertx.setPeriodic(config.redoCheckMillis(), id -> checkNow()));
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    rollForward.close();
    List<Future<?>> pending;
    synchronized (inFlight) {
      pending = List.copyOf(inFlight);
    }
    return Future.join(pending).eventually(() -> redoWorkers.close());
  }

  /**
   * Checks every timeline now (those with a check or run under way, or waiting after a failure, are skipped)
   * and completes with the images made; fails if a run failed.
   */
  public Future<List<Image>> checkNow() {
    List<Future<Optional<Image>>> runs = new ArrayList<>();
    for (Timeline timeline : timelines.all()) {
      String key = timeline.tenantId() + "/" + timeline.timelineId();
      Retry retry = retries.get(key);
      if ((retry != null && System.nanoTime() < retry.notBeforeNanos()) || !busy.add(key)) {
        continue;
      }
      Future<Optional<Image>> run = redoWorkers.executeBlocking(() -> rollForward.runIfDue(timeline), false);
      synchronized (inFlight) {
        inFlight.add(run);
      }
      run.onComplete(done -> {
        if (done.succeeded()) {
          retries.remove(key);
        } else {
          retries.compute(key, (k, previous) -> Retry.after(previous, config.redoCheckMillis()));
        }
        busy.remove(key);
        synchronized (inFlight) {
          inFlight.remove(run);
        }
        if (done.failed() && !(done.cause() instanceof java.io.IOException)) {
          LOG.warn("Image roll forward of {} failed", key, done.cause());
        }
      });
      runs.add(run);
    }
    return Future.all(runs).map(all -> runs.stream().map(Future::result).flatMap(Optional::stream).toList());
  }

  /** When a timeline whose runs failed {@code failures} times in a row may run again. */
  private record Retry(int failures, long notBeforeNanos) {
    static Retry after(Retry previous, long checkMillis) {
      int failures = previous == null ? 1 : previous.failures() + 1;
      long delay = Math.min(MAX_RETRY_DELAY_MILLIS, checkMillis << Math.min(failures - 1, 20));
      return new Retry(failures, System.nanoTime() + delay * 1_000_000);
    }
  }
}
