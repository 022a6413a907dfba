package dev.argondb.controlplane;

import dev.argondb.bus.ComputeState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The control plane's meters ({@code argon_control_plane_*} in Prometheus). Gauges hold the last counts
 * read from the database; counters and timers are updated as wakes and suspends happen.
 */
public final class ControlPlaneMetrics {
  /** Outcomes of a wake request, the {@code outcome} tag of {@code argon_control_plane_wakes_total}. */
  public enum WakeOutcome { ALREADY_RUNNING, STARTED, NOT_FOUND, FAILED }

  /** Who asked for a suspend, the {@code trigger} tag of {@code argon_control_plane_suspends_total}. */
  public enum SuspendTrigger { IDLE, API }

  /** How a suspend ended, the {@code outcome} tag. */
  public enum SuspendOutcome { SUSPENDED, BUSY, FAILED }

  private final Map<WakeOutcome, Counter> wakes = new EnumMap<>(WakeOutcome.class);
  private final Map<SuspendTrigger, Map<SuspendOutcome, Counter>> suspends = new EnumMap<>(SuspendTrigger.class);
  private final Timer wakeDuration;
  private final Timer computeStartDuration;
  private final AtomicLong tenants = new AtomicLong();
  private final AtomicLong timelines = new AtomicLong();
  private final Map<ComputeState, AtomicLong> endpointsByState = new EnumMap<>(ComputeState.class);

  public ControlPlaneMetrics(MeterRegistry registry) {
    for (WakeOutcome outcome : WakeOutcome.values()) {
      wakes.put(outcome, Counter.builder("argon_control_plane_wakes")
          .description("Endpoint wake requests by outcome")
          .tag("outcome", tag(outcome))
          .register(registry));
    }
    // Every tag combination exists from the start, so a rate over "no suspend yet" is 0, not absent.
    for (SuspendTrigger trigger : SuspendTrigger.values()) {
      Map<SuspendOutcome, Counter> byOutcome = new EnumMap<>(SuspendOutcome.class);
      for (SuspendOutcome outcome : SuspendOutcome.values()) {
        byOutcome.put(outcome, Counter.builder("argon_control_plane_suspends")
            .description("Endpoint suspends by trigger and outcome")
            .tag("trigger", tag(trigger))
            .tag("outcome", tag(outcome))
            .register(registry));
      }
      suspends.put(trigger, byOutcome);
    }
    wakeDuration = Timer.builder("argon_control_plane_wake_duration")
        .description("Time to answer a wake request, including any compute start")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(60))
        .register(registry);
    computeStartDuration = Timer.builder("argon_control_plane_compute_start_duration")
        .description("Time the compute agent took to start a compute, as seen by the control plane")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(10))
        .maximumExpectedValue(Duration.ofSeconds(60))
        .register(registry);
    Gauge.builder("argon_control_plane_tenants", tenants, AtomicLong::get)
        .description("Tenants").strongReference(true).register(registry);
    Gauge.builder("argon_control_plane_timelines", timelines, AtomicLong::get)
        .description("Timelines (branches)").strongReference(true).register(registry);
    for (ComputeState state : ComputeState.values()) {
      AtomicLong count = new AtomicLong();
      endpointsByState.put(state, count);
      Gauge.builder("argon_control_plane_endpoints", count, AtomicLong::get)
          .description("Endpoints by compute state")
          .tag("state", state.label())
          .strongReference(true)
          .register(registry);
    }
  }

  public void wakeAnswered(WakeOutcome outcome, long elapsedNanos) {
    wakes.get(outcome).increment();
    wakeDuration.record(Duration.ofNanos(elapsedNanos));
  }

  public void computeStarted(long elapsedNanos) {
    computeStartDuration.record(Duration.ofNanos(elapsedNanos));
  }

  public void suspendFinished(SuspendTrigger trigger, SuspendOutcome outcome) {
    suspends.get(trigger).get(outcome).increment();
  }

  public void inventory(long tenantCount, long timelineCount, Map<String, Long> endpointCountByState) {
    tenants.set(tenantCount);
    timelines.set(timelineCount);
    endpointsByState.forEach((state, count) -> count.set(endpointCountByState.getOrDefault(state.label(), 0L)));
  }

  private static String tag(Enum<?> value) {
    return value.name().toLowerCase(java.util.Locale.ROOT);
  }
}
