package dev.argondb.compute.agent;

import dev.argondb.bus.ComputeState;
import dev.argondb.compute.lazy.LazyStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The compute agent's meters: state per endpoint (1 for the current state), start durations and counts. */
public final class ComputeMetrics {
  private final MeterRegistry registry;
  private final Map<String, ComputeState> stateByEndpoint = new ConcurrentHashMap<>();

  public ComputeMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void state(String endpoint, ComputeState state) {
    if (stateByEndpoint.put(endpoint, state) == null) {
      for (ComputeState candidate : ComputeState.values()) {
        Gauge.builder("argon_compute_endpoint_state", stateByEndpoint,
                states -> states.get(endpoint) == candidate ? 1 : 0)
            .description("1 for the state the endpoint's compute is in")
            .tags("endpoint", endpoint, "state", candidate.label())
            .register(registry);
      }
      // Every series of the endpoint exists from its first state on: rate() over a series born with its
      // first event sees no increase, so a later first warm start would not show on a dashboard.
      startTimer(endpoint, true);
      startTimer(endpoint, false);
      startCounter(endpoint, "ok");
      startCounter(endpoint, "failed");
      stopCounter(endpoint, "ok");
    }
  }

  /** Fetches of lazy relation files (LazyComputes) from the pageserver, all computes together. */
  void lazyFiles(dev.argondb.compute.lazy.LazyStats stats) {
    FunctionCounter.builder("argon_compute_lazy_fetches_total", stats, LazyStats::misses)
        .description("Page ranges fetched from the pageserver because a compute read a block not local yet")
        .tags("kind", "miss").register(registry);
    FunctionCounter.builder("argon_compute_lazy_fetches_total", stats, LazyStats::prefetches)
        .description("Page ranges fetched from the pageserver because a compute read a block not local yet")
        .tags("kind", "prefetch").register(registry);
    FunctionCounter.builder("argon_compute_lazy_fetched_bytes_total", stats, LazyStats::bytesFetched)
        .description("Bytes of lazy relation files fetched from the pageserver").baseUnit("bytes")
        .register(registry);
  }

  void started(String endpoint, Duration duration, boolean initializedDataDir) {
    startTimer(endpoint, initializedDataDir).record(duration);
    starts(endpoint, "ok");
  }

  private Timer startTimer(String endpoint, boolean initializedDataDir) {
    return Timer.builder("argon_compute_start_duration_seconds")
        .description("Time from start request to a compute that accepts connections with its roles in place")
        .tags("endpoint", endpoint, "initdb", Boolean.toString(initializedDataDir))
        .publishPercentileHistogram()
        .register(registry);
  }

  private Counter startCounter(String endpoint, String outcome) {
    return Counter.builder("argon_compute_starts_total").tags("endpoint", endpoint, "outcome", outcome)
        .register(registry);
  }

  private Counter stopCounter(String endpoint, String outcome) {
    return Counter.builder("argon_compute_stops_total").tags("endpoint", endpoint, "outcome", outcome)
        .register(registry);
  }

  void starts(String endpoint, String outcome) {
    startCounter(endpoint, outcome).increment();
  }

  void stops(String endpoint, String outcome) {
    stopCounter(endpoint, outcome).increment();
  }

  public double startCount(String endpoint) {
    Counter counter = registry.find("argon_compute_starts_total").tags("endpoint", endpoint, "outcome", "ok").counter();
    return counter == null ? 0 : counter.count();
  }
}
