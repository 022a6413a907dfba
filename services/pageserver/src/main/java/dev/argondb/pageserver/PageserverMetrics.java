package dev.argondb.pageserver;

import dev.argondb.pageserver.timeline.Timeline;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The pageserver's meters. Per-timeline ones are tagged with tenant and timeline and removed when the
 * timeline is deleted; per-tenant ones with tenant only, so label sets stay bounded by what the pageserver
 * holds. Gauges read values that are already in memory: a scrape never touches the disk.
 */
public final class PageserverMetrics {
  private final MeterRegistry registry;
  private final Timer basebackupDuration;
  private final DistributionSummary basebackupBytes;
  private final AtomicInteger basebackupsWaiting = new AtomicInteger();
  private final Counter pagesServed;
  private final Counter pagesBytes;
  private final Timer pagesDuration;
  private final Map<String, AtomicLong> commitLsns = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> logicalSizes = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> timelinesPerTenant = new ConcurrentHashMap<>();
  private final Set<String> tracked = ConcurrentHashMap.newKeySet();

  public PageserverMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.basebackupDuration = Timer.builder("argon_pageserver_basebackup_duration_seconds")
        .description("Time to wait for ingest (if asked for an LSN not ingested yet), plan and stream one basebackup")
        .publishPercentileHistogram().register(registry);
    this.basebackupBytes = DistributionSummary.builder("argon_pageserver_basebackup_bytes")
        .description("Tar bytes of one basebackup").baseUnit("bytes").register(registry);
    Gauge.builder("argon_pageserver_basebackups_waiting", basebackupsWaiting, AtomicInteger::get)
        .description("Basebackups waiting for ingest to reach their LSN").register(registry);
    this.pagesServed = pagesRequests("OK");
    this.pagesBytes = Counter.builder("argon_pageserver_getpages_bytes_total")
        .description("File bytes GetPages served (lazy files of basebackups, read on demand)").baseUnit("bytes")
        .register(registry);
    this.pagesDuration = Timer.builder("argon_pageserver_getpages_duration_seconds")
        .description("Time to check, read and hand over one served GetPages request (the image chain opened if it was "
            + "not open)")
        .publishPercentileHistogram().register(registry);
  }

  /** GetPages requests by gRPC status (OK, INVALID_ARGUMENT, NOT_FOUND, OUT_OF_RANGE, INTERNAL): a bounded set. */
  private Counter pagesRequests(String status) {
    return Counter.builder("argon_pageserver_getpages_requests_total").tag("status", status)
        .description("GetPages requests answered, by gRPC status").register(registry);
  }

  private static Tags tags(Timeline timeline) {
    return Tags.of("tenant", timeline.tenantId(), "timeline", timeline.timelineId());
  }

  /** Registers a timeline's gauges (once per timeline: a second call for the same one changes nothing). */
  public void track(Timeline timeline) {
    String key = key(timeline);
    AtomicLong commit = commitLsns.computeIfAbsent(key, k -> new AtomicLong(timeline.lastRecordLsn()));
    AtomicLong logicalSize = logicalSizes.computeIfAbsent(key, k -> new AtomicLong());
    Gauge.builder("argon_pageserver_last_record_lsn", timeline, Timeline::lastRecordLsn).tags(tags(timeline))
        .description("End of the last WAL record ingested and indexed").register(registry);
    Gauge.builder("argon_pageserver_ingest_lag_bytes", timeline, t -> ingestLag(t, commit.get()))
        .tags(tags(timeline)).description("WAL the safekeepers reported committed (or this pageserver received) "
            + "that is not ingested and indexed yet").register(registry);
    Gauge.builder("argon_pageserver_images", timeline, t -> t.images().all().size()).tags(tags(timeline))
        .description("Images the timeline holds").register(registry);
    Gauge.builder("argon_pageserver_wal_past_image_bytes", timeline, PageserverMetrics::walPastImage)
        .tags(tags(timeline)).baseUnit("bytes").description("WAL from the redo point of the timeline's newest own "
            + "image (its start if it has none) to the last ingested record: what a compute start replays, and the "
            + "image roll forward's backlog")
        .register(registry);
    Gauge.builder("argon_pageserver_logical_size_bytes", logicalSize, AtomicLong::get).tags(tags(timeline))
        .description("Relation files of the newest image the timeline reads (its own or its ancestor's)")
        .baseUnit("bytes").register(registry);
    AtomicInteger tenantCount = timelinesPerTenant.computeIfAbsent(timeline.tenantId(), tenant -> {
      AtomicInteger count = new AtomicInteger();
      Gauge.builder("argon_pageserver_tenant_timelines", count, AtomicInteger::get).tags("tenant", tenant)
          .description("Timelines (the main branch and its branches) of a tenant on this pageserver")
          .register(registry);
      return count;
    });
    if (tracked.add(key)) {
      tenantCount.incrementAndGet();
    }
  }

  /** Removes a deleted timeline's meters (and its tenant's once it has no timeline left). */
  public void untrack(Timeline timeline) {
    String key = key(timeline);
    if (!tracked.remove(key)) {
      return;
    }
    commitLsns.remove(key);
    logicalSizes.remove(key);
    removeMeters(m -> timeline.tenantId().equals(m.getId().getTag("tenant"))
        && timeline.timelineId().equals(m.getId().getTag("timeline")));
    AtomicInteger tenantCount = timelinesPerTenant.get(timeline.tenantId());
    if (tenantCount != null && tenantCount.decrementAndGet() == 0) {
      timelinesPerTenant.remove(timeline.tenantId());
      removeMeters(m -> m.getId().getName().equals("argon_pageserver_tenant_timelines")
          && timeline.tenantId().equals(m.getId().getTag("tenant")));
    }
  }

  private void removeMeters(Predicate<Meter> which) {
    List<Meter> doomed = registry.getMeters().stream().filter(which).toList();
    doomed.forEach(registry::remove);
  }

  static long walPastImage(Timeline timeline) {
    var images = timeline.images().all();
    // From the redo point: an image's LSN can be recent while a start from it replays from far back.
    long from = images.isEmpty() ? timeline.startLsn() : images.get(images.size() - 1).redoLsn();
    return Math.max(0, timeline.lastRecordLsn() - from);
  }

  /**
   * The safekeepers' commit LSN as the stream last told it, minus the last ingested record end; while no
   * stream has told it, the WAL received but not yet indexed (a partial record).
   */
  static long ingestLag(Timeline timeline, long safekeeperCommitLsn) {
    long last = timeline.lastRecordLsn();
    long ahead = Math.max(safekeeperCommitLsn, timeline.indexer().receivedLsn());
    return Math.max(0, ahead - last);
  }

  public void ingested(Timeline timeline, long bytes, long safekeeperCommitLsn) {
    Counter.builder("argon_pageserver_wal_ingested_bytes_total").tags(tags(timeline))
        .description("WAL bytes stored and indexed").register(registry).increment(bytes);
    AtomicLong commit = commitLsns.get(key(timeline));
    if (commit != null) {
      commit.accumulateAndGet(safekeeperCommitLsn, Math::max);
    }
  }

  /** The logical size of a timeline, computed off the event loop by whoever reads the image. */
  public void logicalSize(Timeline timeline, long bytes) {
    AtomicLong size = logicalSizes.get(key(timeline));
    if (size != null) {
      size.set(bytes);
    }
  }

  public void streamFailed(Timeline timeline, String safekeeperId) {
    Counter.builder("argon_pageserver_wal_stream_failures_total").tags(tags(timeline).and("safekeeper", safekeeperId))
        .description("WAL streams from a safekeeper that failed or ended").register(registry).increment();
  }

  public void basebackupSent(long bytes, long nanos) {
    basebackupBytes.record(bytes);
    basebackupDuration.record(nanos, TimeUnit.NANOSECONDS);
  }

  public void pagesServed(long bytes, long nanos) {
    pagesServed.increment();
    pagesBytes.increment(bytes);
    pagesDuration.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** A GetPages request refused or failed with the gRPC status {@code status}. */
  public void pagesRefused(String status) {
    pagesRequests(status).increment();
  }

  /** A basebackup started ({@code +1}) or stopped ({@code -1}) waiting for ingest to reach its LSN. */
  public void basebackupWaiting(int delta) {
    basebackupsWaiting.addAndGet(delta);
  }

  public int basebackupsWaiting() {
    return basebackupsWaiting.get();
  }

  public void timelinesGauge(Supplier<Number> count) {
    Gauge.builder("argon_pageserver_timelines", count).description("Timelines on this pageserver").register(registry);
  }

  private static String key(Timeline timeline) {
    return Objects.requireNonNull(timeline.tenantId()) + "/" + timeline.timelineId();
  }
}
