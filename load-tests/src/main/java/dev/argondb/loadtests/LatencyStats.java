package dev.argondb.loadtests;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Samples in milliseconds and their percentiles (nearest rank). */
final class LatencyStats {
  private final List<Double> millis = new ArrayList<>();

  void add(long nanos) {
    millis.add(nanos / 1e6);
  }

  double percentile(double p) {
    List<Double> sorted = new ArrayList<>(millis);
    Collections.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }

  double min() {
    return Collections.min(millis);
  }

  double max() {
    return Collections.max(millis);
  }

  int count() {
    return millis.size();
  }

  /** The first {@code count} samples of {@code first} followed by {@code rest}, in the order they were taken. */
  static LatencyStats firstOf(int count, LatencyStats first, LatencyStats rest) {
    LatencyStats joined = new LatencyStats();
    for (Double sample : first.millis) {
      if (joined.millis.size() < count) {
        joined.millis.add(sample);
      }
    }
    for (Double sample : rest.millis) {
      if (joined.millis.size() < count) {
        joined.millis.add(sample);
      }
    }
    return joined;
  }
}
