package dev.argondb.safekeeper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.argondb.bus.Bus;
import dev.argondb.bus.BusAddresses;
import dev.argondb.bus.FollowCompute;
import dev.argondb.bus.GetTimelineState;
import dev.argondb.bus.PrepareTerm;
import dev.argondb.bus.TermStart;
import dev.argondb.bus.TimelineState;
import dev.argondb.bus.WalSource;
import dev.argondb.bus.grpc.SafekeeperWalGrpcClient;
import dev.argondb.bus.grpc.StreamWalRequest;
import dev.argondb.pgformat.Lsn;
import dev.argondb.pgformat.WalSegments;
import dev.argondb.safekeeper.replication.ReplicationPostgres;
import dev.argondb.pgruntime.testing.FaultProxy;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One safekeeper (quorum 1) following a real Postgres: the WAL it stores is Postgres's WAL byte for
 * byte, {@code StreamWal} serves it live as it commits, and a corrupted replication stream is dropped
 * without storing the corruption.
 */
class SafekeeperStreamingTest {
  private static final String TENANT = "0123456789abcdef0123456789abcdef";
  private static final String TIMELINE = "fedcba9876543210fedcba9876543210";

  @TempDir
  Path dataDir;
  private Vertx vertx;
  private ReplicationPostgres pg;
  private SafekeeperService.Handle safekeeper;
  private long start;

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    pg = ReplicationPostgres.start();
    pg.execute("SELECT pg_create_physical_replication_slot('" + WalSource.slotName("sk1") + "', true)");
    pg.execute("CHECKPOINT");
    start = Lsn.parse(pg.queryString("SELECT pg_current_wal_insert_lsn()::text"));
    safekeeper = SafekeeperService.deploy(vertx, new SafekeeperConfig("sk1", dataDir, "127.0.0.1", 0, 1),
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)).await();
    Bus.request(vertx.eventBus(), BusAddresses.safekeeperPrepareTerm("sk1"), new PrepareTerm(TENANT, TIMELINE, 1,
        history(), start, start, null), TimelineState.class, 10_000).await();
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await();
    pg.close();
  }

  private List<TermStart> history() {
    return List.of(new TermStart(1, start));
  }

  private void follow(int port) {
    Bus.request(vertx.eventBus(), BusAddresses.safekeeperFollow("sk1"), new FollowCompute(TENANT, TIMELINE, 1, history(),
        start, null, "127.0.0.1", port, ReplicationPostgres.REPLICATOR, ReplicationPostgres.REPLICATOR_PASSWORD),
        TimelineState.class, 10_000).await();
  }

  private TimelineState state() {
    return Bus.request(vertx.eventBus(), BusAddresses.safekeeperTimelineState("sk1"),
        new GetTimelineState(TENANT, TIMELINE), TimelineState.class, 10_000).await();
  }

  private static void await(LongSupplier value, long atLeast, String what) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    while (value.getAsLong() < atLeast && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(value.getAsLong() >= atLeast, what + " reached " + Lsn.format(atLeast));
  }

  private long writeRows(int rows) throws Exception {
    pg.execute("CREATE TABLE IF NOT EXISTS t(v text)");
    pg.execute("INSERT INTO t SELECT repeat('w', 500) FROM generate_series(1, " + rows + ")");
    return Lsn.parse(pg.queryString("SELECT pg_current_wal_lsn()::text"));
  }

  /** Postgres's own WAL bytes in [from, to), from its pg_wal. */
  private byte[] postgresWal(long from, long to) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (long at = from; at < to; ) {
      long segment = WalSegments.segmentNumber(at);
      byte[] file = Files.readAllBytes(pg.walDir().resolve(WalSegments.fileName(segment)));
      int offset = WalSegments.segmentOffset(at);
      int length = (int) Math.min(to - at, WalSegments.SEGMENT_SIZE - offset);
      out.write(file, offset, length);
      at += length;
    }
    return out.toByteArray();
  }

  private byte[] storedWal(long from, long to) throws Exception {
    var timeline = safekeeper.registry().get(new dev.argondb.safekeeper.timeline.TimelineKey(TENANT, TIMELINE));
    var bytes = timeline.store.read(from, to);
    byte[] array = new byte[bytes.remaining()];
    bytes.get(array);
    return array;
  }

  @Test
  void streamWalServesCommittedWalLiveAndItIsPostgresWal() throws Exception {
    follow(pg.port());
    long end = writeRows(200);
    await(() -> state().commitLsn(), end, "commit LSN");
    assertArrayEquals(postgresWal(start, end), storedWal(start, end), "stored WAL is Postgres's WAL");

    SafekeeperWalGrpcClient client = SafekeeperWalGrpcClient.create(GrpcClient.client(vertx),
        SocketAddress.inetSocketAddress(safekeeper.ref().grpcPort(), "127.0.0.1"));
    ByteArrayOutputStream streamed = new ByteArrayOutputStream();
    long[] next = {start};
    var stream = client.streamWal(StreamWalRequest.newBuilder().setTenantId(TENANT).setTimelineId(TIMELINE)
        .setStartLsn(start).build()).await();
    stream.handler(chunk -> {
      synchronized (streamed) {
        assertEquals(next[0], chunk.getStartLsn(), "chunks are contiguous");
        next[0] += chunk.getData().size();
        streamed.writeBytes(chunk.getData().toByteArray());
      }
    });
    await(() -> { synchronized (streamed) { return next[0]; } }, end, "streamed WAL");
    long later = writeRows(50); // the stream follows new commits without a new request
    await(() -> { synchronized (streamed) { return next[0]; } }, later, "streamed WAL after new commits");
    synchronized (streamed) {
      byte[] all = streamed.toByteArray();
      byte[] expected = postgresWal(start, later);
      byte[] prefix = java.util.Arrays.copyOf(all, expected.length);
      assertArrayEquals(expected, prefix, "StreamWal sends Postgres's WAL");
    }
  }

  @Test
  void aCorruptedStreamIsDroppedAndNothingCorruptIsStored() throws Exception {
    try (FaultProxy proxy = FaultProxy.start(vertx, "127.0.0.1", pg.port())) {
      follow(proxy.port());
      long first = writeRows(20);
      await(() -> state().flushLsn(), first, "flush before the fault");
      proxy.corruptAfter(3_000); // inside the WAL of the next rows
      long end = writeRows(300);
      assertEquals(1, proxyCorruptedSoon(proxy), "the proxy flipped a byte");
      // The safekeeper drops the connection, reconnects at its last complete record and catches up.
      await(() -> state().flushLsn(), end, "flush after reconnecting");
      long flushed = state().flushLsn();
      assertArrayEquals(postgresWal(start, flushed), storedWal(start, flushed),
          "no corrupted byte was stored: the WAL equals Postgres's");
    }
  }

  private static long proxyCorruptedSoon(FaultProxy proxy) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (proxy.corruptedBytes() == 0 && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    return proxy.corruptedBytes();
  }
}
