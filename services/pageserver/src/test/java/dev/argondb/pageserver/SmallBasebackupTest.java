package dev.argondb.pageserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.argondb.bus.Bus;
import dev.argondb.bus.BusAddresses;
import dev.argondb.bus.PageserverCreateTimeline;
import dev.argondb.bus.PageserverTimelineInfo;
import dev.argondb.bus.grpc.BasebackupRequest;
import dev.argondb.bus.grpc.PageserverGrpcClient;
import dev.argondb.compute.basebackup.BasebackupClient;
import dev.argondb.pgruntime.PgFiles;
import dev.argondb.pgformat.ControlFile;
import dev.argondb.pgformat.DbState;
import dev.argondb.pgformat.Lsn;
import dev.argondb.pgformat.WalSegments;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A fresh timeline's basebackup carries its WAL only up to the end of the WAL page holding its LSN, with
 * pg_control "in production"; the client extends the segment to 16 MB and Postgres starts on it.
 */
class SmallBasebackupTest {
  private static final String TENANT = "0123456789abcdef0123456789abcdef";
  private static final String MAIN = "11111111111111111111111111111111";

  private Vertx vertx;
  private Path root;
  private PrometheusMeterRegistry registry;
  private PageserverService.Handle pageserver;

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    root = Files.createTempDirectory("argon-small-basebackup-");
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    pageserver = PageserverService.deploy(vertx, PageserverConfig.defaults(root.resolve("pageserver"), 0), registry)
        .await();
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await();
    PgFiles.deleteRecursively(root);
  }

  @Test
  void theLastSegmentEndsAtTheWalPageOfTheLsnAndTheClientExtendsIt() throws Exception {
    PageserverTimelineInfo main = Bus.request(vertx.eventBus(), BusAddresses.PAGESERVER_CREATE_TIMELINE,
        PageserverCreateTimeline.root(TENANT, MAIN, TestCompute.USER, TestCompute.PASSWORD),
        PageserverTimelineInfo.class, 60_000).await();
    long lsn = main.startLsn();

    Map<String, byte[]> entries = untar(rawBasebackup(0));
    String segmentName = "pg_wal/" + WalSegments.fileName(WalSegments.segmentNumber(lsn));
    byte[] segment = entries.get(segmentName);
    int offset = WalSegments.segmentOffset(lsn);
    int pageEnd = (offset / Lsn.PAGE_SIZE + 1) * Lsn.PAGE_SIZE;
    assertEquals(offset % Lsn.PAGE_SIZE == 0 ? offset : pageEnd, segment.length,
        "the segment ends at the end of the page holding " + Lsn.format(lsn));
    assertTrue(segment.length < WalSegments.SEGMENT_SIZE);
    for (int i = offset; i < segment.length; i++) {
      assertEquals(0, segment[i], "zeros after the LSN, at segment offset " + i);
    }
    int pageStart = offset - offset % Lsn.PAGE_SIZE;
    assertTrue(segment[pageStart] != 0 || segment[pageStart + 1] != 0, "the WAL page (its header magic) is there");
    assertEquals(DbState.IN_PRODUCTION, ControlFile.parse(entries.get("global/pg_control")).state());
    long walBytes = entries.entrySet().stream().filter(e -> e.getKey().startsWith("pg_wal/"))
        .mapToLong(e -> e.getValue().length).sum();
    assertEquals(segment.length, walBytes, "a fresh timeline's WAL is in one segment, sent up to the LSN's page");

    Path dataDir = root.resolve("compute").resolve("pgdata");
    long fetched = new BasebackupClient(vertx, GrpcClient.client(vertx)).fetch(address(), TENANT, MAIN, 0, dataDir)
        .await();
    assertEquals(lsn, fetched);
    assertEquals(WalSegments.SEGMENT_SIZE, Files.size(dataDir.resolve(segmentName)), "extended to 16 MB");
    try (TestCompute compute = TestCompute.start(dataDir, Map.of())) {
      assertEquals("1", compute.queryString("SELECT 1"));
      assertTrue(Lsn.compare(Lsn.parse(compute.queryString("SELECT pg_current_wal_insert_lsn()::text")), lsn) > 0,
          "recovery ended at the LSN and wrote its checkpoint after it");
    }

    double logicalSize = registry.get("argon_pageserver_logical_size_bytes").tags("tenant", TENANT, "timeline", MAIN)
        .gauge().value();
    assertTrue(logicalSize > 1 << 20, "a fresh database's relations hold some MB: " + logicalSize);
    assertEquals(1.0, registry.get("argon_pageserver_tenant_timelines").tags("tenant", TENANT).gauge().value());
  }

  private SocketAddress address() {
    return SocketAddress.inetSocketAddress(pageserver.port(), pageserver.host());
  }

  private byte[] rawBasebackup(long lsn) {
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    Promise<byte[]> done = Promise.promise();
    GrpcClient.client(vertx).request(address(), PageserverGrpcClient.GetBasebackup)
        .compose(call -> call.send(BasebackupRequest.newBuilder().setTenantId(TENANT).setTimelineId(MAIN).setLsn(lsn)
            .build()))
        .onFailure(done::fail)
        .onSuccess(response -> {
          response.handler(chunk -> tar.writeBytes(chunk.getData().toByteArray()));
          response.exceptionHandler(done::tryFail);
          response.endHandler(end -> done.tryComplete(tar.toByteArray()));
        });
    return done.future().await();
  }

  private static Map<String, byte[]> untar(byte[] tar) throws Exception {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
      TarArchiveEntry entry;
      while ((entry = in.getNextEntry()) != null) {
        entries.put(entry.getName(), in.readAllBytes());
      }
    }
    return entries;
  }
}
