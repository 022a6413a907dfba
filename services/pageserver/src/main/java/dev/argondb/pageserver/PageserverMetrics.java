package dev.argondb.pageserver;

import dev.argondb.pageserver.timeline.Timeline;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** The pageserver's meters; per-timeline ones are tagged with tenant and timeline. */
public final class PageserverMetrics {
  private final MeterRegistry registry;
  private final Timer basebackupDuration;
  private final DistributionSummary basebackupBytes;
  private final Map<String, AtomicLong> commitLsns = new ConcurrentHashMap<>();

  public PageserverMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.basebackupDuration = Timer.builder("argon_pageserver_basebackup_duration_seconds")
        .description("Time to plan and stream one basebackup").publishPercentileHistogram().register(registry);
    this.basebackupBytes = DistributionSummary.builder("argon_pageserver_basebackup_bytes")
        .description("Tar bytes of one basebackup").baseUnit("bytes").register(registry);
  }

  private static Tags tags(Timeline timeline) {
    return Tags.of("tenant", timeline.tenantId(), "timeline", timeline.timelineId());
  }

  /** Gauges read the timeline's positions directly; lag = the safekeepers' commit LSN minus what is ingested. */
  public void track(Timeline timeline) {
    AtomicLong commit = commitLsns.computeIfAbsent(key(timeline), k -> new AtomicLong(timeline.lastRecordLsn()));
    Gauge.builder("argon_pageserver_last_record_lsn", timeline, Timeline::lastRecordLsn).tags(tags(timeline))
        .description("End of the last WAL record ingested and indexed").register(registry);
    Gauge.builder("argon_pageserver_ingest_lag_bytes", timeline,
            t -> Math.max(0, commit.get() - t.lastRecordLsn())).tags(tags(timeline))
        .description("Committed WAL the safekeepers reported that is not ingested yet").register(registry);
    Gauge.builder("argon_pageserver_images", timeline, t -> t.images().all().size()).tags(tags(timeline))
        .description("Images the timeline holds").register(registry);
  }

  public void ingested(Timeline timeline, long bytes, long safekeeperCommitLsn) {
    Counter.builder("argon_pageserver_wal_ingested_bytes_total").tags(tags(timeline))
        .description("WAL bytes stored and indexed").register(registry).increment(bytes);
    commitLsns.computeIfAbsent(key(timeline), k -> new AtomicLong()).accumulateAndGet(safekeeperCommitLsn, Math::max);
  }

  public void streamFailed(Timeline timeline, String safekeeperId) {
    Counter.builder("argon_pageserver_wal_stream_failures_total").tags(tags(timeline).and("safekeeper", safekeeperId))
        .description("WAL streams from a safekeeper that failed or ended").register(registry).increment();
  }

  public void basebackupSent(long bytes, long nanos) {
    basebackupBytes.record(bytes);
    basebackupDuration.record(nanos, TimeUnit.NANOSECONDS);
  }

  public void timelinesGauge(java.util.function.Supplier<Number> count) {
    Gauge.builder("argon_pageserver_timelines", count).description("Timelines on this pageserver").register(registry);
  }

  private static String key(Timeline timeline) {
    return timeline.tenantId() + "/" + timeline.timelineId();
  }
}
