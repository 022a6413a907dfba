package dev.argondb.pageserver.pages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.argondb.pageserver.image.PinnedChain;
import dev.argondb.pageserver.timeline.Timeline;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The chains are stand-ins that count opens and closes (no timeline: keys only compare it). */
class PageReadChainsTest {
  private static final long IDLE_MILLIS = 200;
  private static final Timeline TIMELINE = null;

  private Vertx vertx;
  private final AtomicInteger opened = new AtomicInteger();
  private final AtomicInteger closed = new AtomicInteger();
  private int failOpens;
  private PageReadChains chains;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    chains = new PageReadChains(vertx, (timeline, lsn) -> {
      opened.incrementAndGet();
      if (failOpens > 0) {
        failOpens--;
        return Future.failedFuture(new IOException("download failed"));
      }
      return Future.succeededFuture(new PinnedChain(null, closed::incrementAndGet));
    }, IDLE_MILLIS);
  }

  @AfterEach
  void tearDown() {
    vertx.close().await();
  }

  @Test
  void aChainIsOpenedOncePerLsnAndClosedOnceIdle() throws Exception {
    long begin = System.nanoTime();
    for (int i = 0; i < 3; i++) {
      assertEquals("read", read(1));
    }
    read(2);
    assertEquals(2, opened.get(), "one chain per LSN, shared by the reads");
    assertEquals(2, chains.size());
    assertEquals(0, closed.get());
    awaitTrue(() -> closed.get() == 2, "both chains are closed once idle");
    assertTrue((System.nanoTime() - begin) / 1_000_000 >= IDLE_MILLIS, "not before they were idle that long");
    assertEquals(0, chains.size());
    read(1);
    assertEquals(3, opened.get(), "opened again when read again");
    chains.close();
    assertEquals(3, closed.get(), "closing closes what is open");
  }

  @Test
  void aChainInUseStaysOpenUntilItsReadEndsAndCloseRefusesNewReads() throws Exception {
    Promise<String> slow = Promise.promise();
    Future<String> reading = chains.read(TIMELINE, 1, chain -> slow.future());
    Thread.sleep(3 * IDLE_MILLIS);
    assertEquals(0, closed.get(), "not closed while a read uses it");
    chains.close();
    assertEquals(0, closed.get(), "nor by close()");
    slow.complete("done");
    assertEquals("done", reading.await());
    assertEquals(1, closed.get(), "closed as its last read ended");
    assertThrows(IllegalStateException.class, () -> read(2), "a stopped pageserver reads nothing");
  }

  @Test
  void aChainThatFailedToOpenIsOpenedAgainByTheNextRead() {
    failOpens = 1;
    assertThrows(IOException.class, () -> read(1));
    assertEquals("read", read(1));
    assertEquals(2, opened.get());
  }

  private String read(long lsn) {
    return chains.read(TIMELINE, lsn, chain -> Future.succeededFuture("read")).await();
  }

  private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10 * IDLE_MILLIS;
    while (!condition.getAsBoolean()) {
      assertTrue(System.currentTimeMillis() < deadline, what);
      Thread.sleep(10);
    }
  }
}
