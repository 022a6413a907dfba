package dev.argondb.safekeeper.timeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.argondb.bus.PageserverRemoteConsistent;
import dev.argondb.pgformat.WalSegments;
import dev.argondb.safekeeper.SafekeeperConfig;
import dev.argondb.safekeeper.SafekeeperMetrics;
import dev.argondb.safekeeper.wal.TimelineControl;
import dev.argondb.safekeeper.wal.TimelineDirectory;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Safekeepers drop whole WAL segments below the pageserver's remote consistent LSN minus their margin. */
class WalRetentionTest {
  private static final String TENANT = "0123456789abcdef0123456789abcdef";
  private static final String TIMELINE = "11111111111111111111111111111111";

  @TempDir
  Path dataDir;
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void tearDown() {
    vertx.close().await();
  }

  @Test
  void segmentsBelowTheRemoteConsistentLsnMinusTheMarginAreDeletedAndTheRestStaysReadable() throws Exception {
    long margin = 8L << 20;
    SafekeeperConfig config = new SafekeeperConfig("sk1", dataDir, "127.0.0.1", 0, 2, margin);
    TimelineRegistry registry = new TimelineRegistry(config);
    Context context = vertx.getOrCreateContext();
    TimelineKey key = new TimelineKey(TENANT, TIMELINE);
    long start = WalSegments.segmentStart(1);
    SafekeeperTimeline timeline = vertx.executeBlocking(() -> registry.create(context,
        new SafekeeperMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), "sk1"), key,
        TimelineControl.empty(start)), false).await();
    // Three and a half segments of WAL (bytes only: the store does not parse what it keeps).
    byte[] wal = new byte[3 * WalSegments.SEGMENT_SIZE + WalSegments.SEGMENT_SIZE / 2];
    new Random(3).nextBytes(wal);
    on(context, () -> timeline.writer.append(start, ByteBuffer.wrap(wal)));
    TimelineDirectory dir = TimelineDirectory.of(dataDir, TENANT, TIMELINE);
    assertEquals(List.of(1L, 2L, 3L, 4L), dir.segmentNumbers());

    WalRetention retention = new WalRetention(config, registry);
    // Remote consistent in segment 3, 2 MB in: minus 8 MB is in segment 2, so only segment 1 goes.
    long consistent = WalSegments.segmentStart(3) + (2 << 20);
    on(context, () -> {
      retention.remoteConsistent(new PageserverRemoteConsistent(TENANT, TIMELINE, consistent));
      return Future.succeededFuture();
    });
    awaitSegments(dir, List.of(2L, 3L, 4L));
    // A report for another timeline, or a lower LSN, changes nothing.
    on(context, () -> {
      retention.remoteConsistent(new PageserverRemoteConsistent(TENANT, "22222222222222222222222222222222",
          WalSegments.segmentStart(5)));
      retention.remoteConsistent(new PageserverRemoteConsistent(TENANT, TIMELINE, start + 1));
      return Future.succeededFuture();
    });
    // Far beyond the WAL: never past this safekeeper's own flush LSN (the segment holding it stays).
    on(context, () -> {
      retention.remoteConsistent(new PageserverRemoteConsistent(TENANT, TIMELINE, WalSegments.segmentStart(40)));
      return Future.succeededFuture();
    });
    awaitSegments(dir, List.of(4L));
    byte[] kept = timeline.store.read(WalSegments.segmentStart(4), WalSegments.segmentStart(4) + 4096).array();
    byte[] expected = java.util.Arrays.copyOfRange(wal, 3 * WalSegments.SEGMENT_SIZE,
        3 * WalSegments.SEGMENT_SIZE + 4096);
    assertArrayEquals(expected, kept, "the WAL kept is intact");
  }

  private static void awaitSegments(TimelineDirectory dir, List<Long> expected) throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    while (!dir.segmentNumbers().equals(expected)) {
      if (System.currentTimeMillis() > deadline) {
        assertEquals(expected, dir.segmentNumbers());
      }
      Thread.sleep(20);
    }
  }

  private static <T> T on(Context context, Supplier<Future<T>> action) throws Exception {
    Promise<T> result = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(result));
    return result.future().toCompletionStage().toCompletableFuture().get();
  }
}
