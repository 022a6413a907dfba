package dev.argondb.pageserver.timeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LsnWaitersTest {
  private final Vertx vertx = Vertx.vertx();
  private final Context context = vertx.getOrCreateContext();

  @AfterEach
  void tearDown() {
    vertx.close().await();
  }

  @Test
  void aWaiterCompletesOnceIngestReachesItsLsnAndNotBefore() {
    LsnWaiters waiters = new LsnWaiters(1000);
    waiters.waitFor(1000, context).future().await(); // reached already
    LsnWaiters.Waiter at2000 = waiters.waitFor(2000, context);
    LsnWaiters.Waiter at3000 = waiters.waitFor(3000, context);
    assertEquals(2, waiters.waitingCount());

    waiters.advanced(1999);
    assertEquals(2, waiters.waitingCount());
    waiters.advanced(2500);
    at2000.future().await();
    assertEquals(1, waiters.waitingCount());
    assertFalse(at3000.future().isComplete());

    waiters.advanced(2400); // never backwards
    assertEquals(1, waiters.waitingCount());
    waiters.advanced(3000);
    at3000.future().await();
    assertEquals(0, waiters.waitingCount());
  }

  @Test
  void failedWaitersStopWaitingAndReachedOnesCannotFail() {
    LsnWaiters waiters = new LsnWaiters(0);
    LsnWaiters.Waiter timedOut = waiters.waitFor(10, context);
    RuntimeException timeout = new RuntimeException("timed out");
    timedOut.fail(timeout);
    assertSame(timeout, assertThrows(RuntimeException.class, () -> timedOut.future().await()));
    assertEquals(0, waiters.waitingCount());

    LsnWaiters.Waiter reached = waiters.waitFor(10, context);
    waiters.advanced(10);
    reached.fail(new RuntimeException("too late"));
    reached.future().await();

    LsnWaiters.Waiter a = waiters.waitFor(20, context);
    LsnWaiters.Waiter b = waiters.waitFor(30, context);
    waiters.failAll(new IllegalStateException("deleted"));
    assertThrows(IllegalStateException.class, () -> a.future().await());
    assertThrows(IllegalStateException.class, () -> b.future().await());
    assertEquals(0, waiters.waitingCount());
  }
}
