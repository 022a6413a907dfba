package dev.argondb.pageserver.gc;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/** The meters of GC: {@code argon_pageserver_gc_*}, snapshots and leases. */
public final class GcMetrics {
  private final MeterRegistry registry;
  private final Counter runs;
  private final Map<String, Counter> freed = new ConcurrentHashMap<>();
  private final Map<String, Gauge> lags = new ConcurrentHashMap<>();

  public GcMetrics(MeterRegistry registry, Supplier<Number> snapshots, Supplier<Number> leases) {
    this.registry = registry;
    this.runs = Counter.builder("argon_pageserver_gc_runs_total").description("GC passes over the timelines")
        .register(registry);
    for (String where : new String[] {"local", "remote"}) {
      for (String kind : new String[] {"image", "wal", "orphan"}) {
        freedCounter(where, kind);
      }
    }
    Gauge.builder("argon_pageserver_snapshots", snapshots).description("Named snapshots held").register(registry);
    Gauge.builder("argon_pageserver_gc_leases", leases).description("GC leases held").register(registry);
  }

  void ran() {
    runs.increment();
  }

  void freed(String where, String kind, long bytes) {
    freedCounter(where, kind).increment(bytes);
  }

  /** Registers a timeline's cutoff lag: WAL ingested past its GC cutoff (the history GC keeps). */
  void trackCutoffLag(String tenantId, String timelineId, Supplier<Number> lagBytes) {
    lags.computeIfAbsent(tenantId + "/" + timelineId, k -> Gauge.builder("argon_pageserver_gc_cutoff_lag_bytes",
            lagBytes).description("WAL between a timeline's GC cutoff and its ingested end")
        .tag("tenant", tenantId).tag("timeline", timelineId).register(registry));
  }

  void untrackCutoffLag(String key) {
    Gauge gauge = lags.remove(key);
    if (gauge != null) {
      registry.remove(gauge);
    }
  }

  java.util.Set<String> trackedLags() {
    return lags.keySet();
  }

  private Counter freedCounter(String where, String kind) {
    return freed.computeIfAbsent(where + "/" + kind, k -> Counter.builder("argon_pageserver_gc_freed_bytes_total")
        .description("Bytes GC deleted (orphans: remote objects no index named, counted by object)")
        .tag("where", where).tag("kind", kind).register(registry));
  }
}
