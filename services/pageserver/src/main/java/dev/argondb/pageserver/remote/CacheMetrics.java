package dev.argondb.pageserver.remote;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** The meters of the local layer cache: {@code argon_pageserver_layer_cache_*}. */
final class CacheMetrics {
  private final MeterRegistry registry;
  private final Counter hits;
  private final Counter misses;
  private final Counter evictions;
  private final Counter evictedBytes;
  private final Counter downloadErrors;
  private final Timer downloads;
  private final java.util.List<Gauge> gauges = new java.util.ArrayList<>();

  CacheMetrics(MeterRegistry registry) {
    this.registry = registry;
    hits = Counter.builder("argon_pageserver_layer_cache_hits_total")
        .description("Images a reader found on local disk").register(registry);
    misses = Counter.builder("argon_pageserver_layer_cache_misses_total")
        .description("Images a reader needed from remote storage (downloaded on demand)").register(registry);
    evictions = Counter.builder("argon_pageserver_layer_cache_evictions_total")
        .description("Images evicted from local disk back to remote only").register(registry);
    evictedBytes = Counter.builder("argon_pageserver_layer_cache_evicted_bytes_total").baseUnit("bytes")
        .description("Bytes freed by evictions").register(registry);
    downloadErrors = Counter.builder("argon_pageserver_layer_cache_download_errors_total")
        .description("On-demand image downloads that failed (corrupt layer, remote storage error)").register(registry);
    downloads = Timer.builder("argon_pageserver_layer_cache_download_seconds")
        .description("One on-demand image download: fetch, checksum, unpack, install").publishPercentileHistogram()
        .register(registry);
  }

  void gauges(Supplier<Number> localBytes, long limitBytes) {
    gauges.add(Gauge.builder("argon_pageserver_layer_cache_bytes", localBytes).baseUnit("bytes")
        .description("Bytes of images on local disk").register(registry));
    gauges.add(Gauge.builder("argon_pageserver_layer_cache_limit_bytes", () -> limitBytes).baseUnit("bytes")
        .description("layer_cache_bytes: the local image bytes kept at most (0 = no limit)").register(registry));
  }

  /** Removes the gauges, which read this cache: a pageserver deployed again in the same registry registers its own. */
  void close() {
    gauges.forEach(registry::remove);
    gauges.clear();
  }

  void hit() {
    hits.increment();
  }

  void miss() {
    misses.increment();
  }

  void evicted(long bytes) {
    evictions.increment();
    evictedBytes.increment(bytes);
  }

  void downloaded(long nanos) {
    downloads.record(nanos, TimeUnit.NANOSECONDS);
  }

  void downloadFailed() {
    downloadErrors.increment();
  }
}
