package dev.argondb.gateway;

import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * Times round trips of one relayed connection: from client bytes arriving while no answer is pending to
 * the compute's next bytes. Two nanoTime calls per round trip; both directions run on one event loop.
 */
final class RelayLatency {
  private static final long NONE = -1;

  private final Timer timer;
  private long pendingSince = NONE;

  RelayLatency(Timer timer) {
    this.timer = timer;
  }

  void clientSent() {
    if (pendingSince == NONE) {
      pendingSince = System.nanoTime();
    }
  }

  void computeAnswered() {
    if (pendingSince != NONE) {
      timer.record(System.nanoTime() - pendingSince, TimeUnit.NANOSECONDS);
      pendingSince = NONE;
    }
  }
}
