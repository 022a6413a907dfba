package dev.argondb.loadtests;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Reads the pageserver's {@code /metrics} (Prometheus text) for benchmarks that wait on it. */
final class PageserverMetricsProbe {
  private PageserverMetricsProbe() {}

  static String scrape(int port) throws Exception {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  /** The largest value of a metric over its series (0 if none). */
  static double max(String scrape, String metric) {
    double max = 0;
    for (String line : scrape.split("\n")) {
      if (line.startsWith(metric + "{") || line.startsWith(metric + " ")) {
        max = Math.max(max, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
      }
    }
    return max;
  }

  /**
   * Waits until no timeline has more than {@code bytes} of WAL past its newest image's redo point (the
   * roll-forward step); fails after five minutes rather than hang a benchmark.
   */
  static void awaitImagesCaughtUp(int port, long bytes) throws Exception {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(5);
    double past;
    while ((past = max(scrape(port), "argon_pageserver_wal_past_image_bytes")) > bytes) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the pageserver's images are still " + (long) past / (1 << 20)
            + " MB of WAL behind after 5 minutes");
      }
      Thread.sleep(500);
    }
  }
}
