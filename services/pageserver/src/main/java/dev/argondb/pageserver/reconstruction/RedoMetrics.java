package dev.argondb.pageserver.reconstruction;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/** Meters of image roll forwards (images per timeline are {@code argon_pageserver_images}). */
public final class RedoMetrics {
  private final MeterRegistry registry;
  private final Timer duration;
  private final DistributionSummary imageBytes;

  public RedoMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.duration = Timer.builder("argon_pageserver_redo_seconds")
        .description("Time of one image roll forward: materialize, redo Postgres, write the delta image")
        .publishPercentileHistogram().register(registry);
    this.imageBytes = DistributionSummary.builder("argon_pageserver_image_delta_bytes")
        .description("Bytes of one delta image on disk").baseUnit("bytes").register(registry);
    // Both outcomes exist from the start at 0, so a dashboard shows "no runs" rather than no data.
    runs("success");
    runs("failure");
  }

  private Counter runs(String outcome) {
    return Counter.builder("argon_pageserver_redo_runs_total").tag("outcome", outcome)
        .description("Redo Postgres runs (image roll forwards) by outcome").register(registry);
  }

  void succeeded(long nanos, long deltaBytes) {
    run("success", nanos);
    imageBytes.record(deltaBytes);
  }

  void failed(long nanos) {
    run("failure", nanos);
  }

  private void run(String outcome, long nanos) {
    runs(outcome).increment();
    duration.record(nanos, TimeUnit.NANOSECONDS);
  }
}
