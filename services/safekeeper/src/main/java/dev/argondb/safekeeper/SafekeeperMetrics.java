package dev.argondb.safekeeper;

import dev.argondb.safekeeper.timeline.SafekeeperTimeline;
import dev.argondb.safekeeper.timeline.TimelineKey;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** The safekeeper's meters, tagged with its id and (per timeline) tenant and timeline. */
public final class SafekeeperMetrics {
  private final MeterRegistry registry;
  private final String safekeeperId;
  private final Timer fsyncs;
  private final Map<TimelineKey, AtomicLong> connected = new ConcurrentHashMap<>();
  private final Map<TimelineKey, AtomicLong> lag = new ConcurrentHashMap<>();
  /** Looked up per WAL message, so kept rather than registered again (which builds and hashes its id). */
  private final Map<TimelineKey, Counter> receivedBytes = new ConcurrentHashMap<>();

  public SafekeeperMetrics(MeterRegistry registry, String safekeeperId) {
    this.registry = registry;
    this.safekeeperId = safekeeperId;
    this.fsyncs = Timer.builder("argon_safekeeper_fsync_duration_seconds")
        .description("Time of one fsync of a group-commit batch")
        .tag("safekeeper", safekeeperId)
        .publishPercentileHistogram()
        .register(registry);
  }

  private Tags tags(TimelineKey key) {
    return Tags.of("safekeeper", safekeeperId, "tenant", key.tenantId(), "timeline", key.timelineId());
  }

  /** Gauges read the timeline's volatile positions directly. */
  public void track(SafekeeperTimeline timeline) {
    Tags tags = tags(timeline.key);
    Gauge.builder("argon_safekeeper_flush_lsn", timeline, t -> t.recordFlushLsn).tags(tags)
        .description("End of the last complete WAL record fsynced").register(registry);
    Gauge.builder("argon_safekeeper_commit_lsn", timeline, t -> t.commitLsn).tags(tags)
        .description("WAL position a quorum of safekeepers fsynced under the current term").register(registry);
    Gauge.builder("argon_safekeeper_term", timeline, t -> t.term).tags(tags)
        .description("Highest term this safekeeper accepted for the timeline").register(registry);
    Gauge.builder("argon_safekeeper_connected_computes", connected.computeIfAbsent(timeline.key, k -> new AtomicLong()),
        AtomicLong::get).tags(tags).description("Computes this safekeeper streams WAL from").register(registry);
    Gauge.builder("argon_safekeeper_replication_lag_bytes", lag.computeIfAbsent(timeline.key, k -> new AtomicLong()),
        AtomicLong::get).tags(tags).description("WAL the compute has flushed that this safekeeper has not").register(registry);
  }

  public void received(TimelineKey key, long bytes) {
    receivedBytes.computeIfAbsent(key, k -> Counter.builder("argon_safekeeper_received_bytes_total").tags(tags(k))
        .register(registry)).increment(bytes);
  }

  public void fsync(long nanos) {
    fsyncs.record(nanos, TimeUnit.NANOSECONDS);
  }

  public void computeConnected(TimelineKey key) {
    connected.computeIfAbsent(key, k -> new AtomicLong()).set(1);
  }

  public void computeDisconnected(TimelineKey key) {
    connected.computeIfAbsent(key, k -> new AtomicLong()).set(0);
  }

  public void lag(TimelineKey key, long bytes) {
    lag.computeIfAbsent(key, k -> new AtomicLong()).set(bytes);
  }

  public void streamErrors(TimelineKey key) {
    Counter.builder("argon_safekeeper_stream_errors_total").tags(tags(key)).register(registry).increment();
  }
}
