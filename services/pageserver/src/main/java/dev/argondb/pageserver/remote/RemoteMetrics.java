package dev.argondb.pageserver.remote;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** The meters of remote storage: {@code argon_pageserver_remote_*}. */
public final class RemoteMetrics {
  private final MeterRegistry registry;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();

  public RemoteMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (String kind : new String[] {LayerKind.IMAGE, LayerKind.WAL, LayerKind.INDEX}) {
      uploadedCounter(kind, "bytes");
      uploadedCounter(kind, "objects");
    }
    for (String op : new String[] {"put", "get", "list", "delete"}) {
      errorCounter(op);
      retryCounter(op);
    }
  }

  /** One object uploaded (after any retries). */
  public void uploaded(String kind, long bytes) {
    uploadedCounter(kind, "bytes").increment(bytes);
    uploadedCounter(kind, "objects").increment();
  }

  public void downloaded(String kind, long bytes) {
    counters.computeIfAbsent("down/" + kind, k -> Counter.builder("argon_pageserver_remote_downloaded_bytes_total")
        .description("Bytes downloaded from remote storage").tag("kind", kind).baseUnit("bytes").register(registry))
        .increment(bytes);
  }

  /** An operation that failed for good (after its retries, or at once when not transient). */
  void failed(String op) {
    errorCounter(op).increment();
  }

  void retried(String op) {
    retryCounter(op).increment();
  }

  void timed(String op, long nanos) {
    timers.computeIfAbsent(op, o -> Timer.builder("argon_pageserver_remote_operation_seconds")
        .description("One remote storage operation, retries included (put = upload, get = download)")
        .tag("op", o).publishPercentileHistogram().register(registry)).record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Registers the remote consistent LSN lag of one timeline (WAL ingested but not uploaded yet). */
  public void trackLag(String tenantId, String timelineId, Supplier<Number> lagBytes) {
    Gauge.builder("argon_pageserver_remote_consistent_lag_bytes", lagBytes)
        .description("WAL ingested past the remote consistent LSN (not yet restorable from remote storage)")
        .tags("tenant", tenantId, "timeline", timelineId).baseUnit("bytes").register(registry);
  }

  public void untrackLag(String tenantId, String timelineId) {
    var gauge = registry.find("argon_pageserver_remote_consistent_lag_bytes")
        .tags("tenant", tenantId, "timeline", timelineId).gauge();
    if (gauge != null) {
      registry.remove(gauge);
    }
  }

  private Counter uploadedCounter(String kind, String what) {
    return counters.computeIfAbsent("up/" + what + "/" + kind, k -> Counter.builder(
            "argon_pageserver_remote_uploaded_" + what + "_total")
        .description(what.equals("bytes") ? "Bytes uploaded to remote storage" : "Objects uploaded to remote storage")
        .tag("kind", kind).register(registry));
  }

  private Counter errorCounter(String op) {
    return counters.computeIfAbsent("err/" + op, k -> Counter.builder("argon_pageserver_remote_errors_total")
        .description("Remote storage operations that failed for good").tag("op", op).register(registry));
  }

  private Counter retryCounter(String op) {
    return counters.computeIfAbsent("retry/" + op, k -> Counter.builder("argon_pageserver_remote_retries_total")
        .description("Remote storage operations tried again after a transient failure").tag("op", op)
        .register(registry));
  }
}
