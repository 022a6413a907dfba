package dev.argondb.safekeeper.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.argondb.bus.Bus;
import dev.argondb.bus.BusAddresses;
import dev.argondb.bus.PrepareTerm;
import dev.argondb.bus.TermStart;
import dev.argondb.bus.TimelineState;
import dev.argondb.bus.grpc.ReadWalRequest;
import dev.argondb.bus.grpc.SafekeeperWalGrpcClient;
import dev.argondb.safekeeper.SafekeeperConfig;
import dev.argondb.safekeeper.SafekeeperService;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Requests for WAL a safekeeper does not hold, and terms older than it accepted, are refused. */
class WalServingTest {
  private static final String TENANT = "0123456789abcdef0123456789abcdef";
  private static final String TIMELINE = "fedcba9876543210fedcba9876543210";
  private static final long START = 0x14D94B8L;

  @TempDir
  Path dataDir;
  private Vertx vertx;
  private SafekeeperWalGrpcClient client;

  @BeforeEach
  void deploy() {
    vertx = Vertx.vertx();
    SafekeeperService.Handle handle = SafekeeperService.deploy(vertx, new SafekeeperConfig("sk1", dataDir, "127.0.0.1",
        0, 1), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)).await();
    client = SafekeeperWalGrpcClient.create(GrpcClient.client(vertx),
        SocketAddress.inetSocketAddress(handle.ref().grpcPort(), "127.0.0.1"));
    prepare(3);
  }

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private TimelineState prepare(long term) {
    return Bus.request(vertx.eventBus(), BusAddresses.safekeeperPrepareTerm("sk1"), new PrepareTerm(TENANT, TIMELINE,
        term, List.of(new TermStart(term, START)), START, START, null), TimelineState.class, 10_000).await();
  }

  /** Reads the whole stream; fails with the server's gRPC status. */
  private Future<Long> read(String timeline, long start, long end) {
    return client.readWal(ReadWalRequest.newBuilder().setTenantId(TENANT).setTimelineId(timeline)
        .setStartLsn(start).setEndLsn(end).build()).compose(stream -> {
          Promise<Long> done = Promise.promise();
          long[] bytes = {0};
          stream.handler(chunk -> bytes[0] += chunk.getData().size());
          stream.exceptionHandler(done::tryFail);
          stream.endHandler(v -> done.tryComplete(bytes[0]));
          return done.future();
        });
  }

  @Test
  void walBeyondTheFlushLsnIsOutOfRange() {
    Exception error = assertThrows(Exception.class, () -> read(TIMELINE, START, START + 8192).await());
    assertTrue(String.valueOf(error).contains("OUT_OF_RANGE") || String.valueOf(error).contains("not held"),
        String.valueOf(error));
    assertEquals(0L, read(TIMELINE, START, START).await(), "an empty range at the end is fine");
  }

  @Test
  void anUnknownTimelineIsNotFound() {
    Exception error = assertThrows(Exception.class,
        () -> read("00000000000000000000000000000000", START, START + 10).await());
    assertTrue(String.valueOf(error).contains("NOT_FOUND") || String.valueOf(error).contains("no timeline"),
        String.valueOf(error));
  }

  @Test
  void anOlderTermIsRefusedAndChangesNothing() {
    assertThrows(Exception.class, () -> prepare(2));
    TimelineState state = Bus.request(vertx.eventBus(), BusAddresses.safekeeperTimelineState("sk1"),
        new dev.argondb.bus.GetTimelineState(TENANT, TIMELINE), TimelineState.class, 10_000).await();
    assertEquals(3, state.term());
    assertEquals(START, state.flushLsn());
  }
}
