package dev.argondb.pageserver;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.argondb.bus.Bus;
import dev.argondb.bus.BusAddresses;
import dev.argondb.bus.FollowCompute;
import dev.argondb.bus.PageserverGetTimeline;
import dev.argondb.bus.PageserverTimelineInfo;
import dev.argondb.bus.PrepareTerm;
import dev.argondb.bus.SafekeeperRef;
import dev.argondb.bus.TermStart;
import dev.argondb.bus.TimelineState;
import dev.argondb.bus.WalSource;
import dev.argondb.compute.basebackup.BasebackupClient;
import dev.argondb.pgformat.Lsn;
import dev.argondb.pgformat.WalSegments;
import dev.argondb.pgruntime.PgFiles;
import dev.argondb.safekeeper.SafekeeperConfig;
import dev.argondb.safekeeper.SafekeeperService;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the pageserver's end-to-end tests do around it, in one place: a Vert.x and a temporary directory per test,
 * real safekeepers and the pageserver deployed on it (and restarted), real computes started from its basebackups,
 * safekeepers streaming from a compute (as the compute agent and the control plane would), waiting for ingest, and
 * requests to the pageserver over the bus. {@link #close()} stops everything and deletes the directory.
 */
final class StorageBench {
  static final String TENANT = "0123456789abcdef0123456789abcdef";
  static final String MAIN = "11111111111111111111111111111111";
  static final String REPLICATION_USER = "argon_replication";
  static final String REPLICATION_PASSWORD = "replication-password";
  static final List<String> SAFEKEEPERS = List.of("sk1", "sk2", "sk3");

  private final Vertx vertx;
  private final Path root;
  private final long timeoutMillis;
  private final BasebackupClient basebackups;
  private final List<TestCompute> computes = new ArrayList<>();
  private int computeDirs;
  /** The test's current pageserver and its metrics (tests restart it). */
  private PageserverService.Handle pageserver;
  private PrometheusMeterRegistry registry;

  private StorageBench(Vertx vertx, Path root, long timeoutMillis) {
    this.vertx = vertx;
    this.root = root;
    this.timeoutMillis = timeoutMillis;
    this.basebackups = new BasebackupClient(vertx, GrpcClient.client(vertx));
  }

  /** A new Vert.x and a new temporary directory ({@code tempPrefix}...); bus requests wait {@code timeoutMillis}. */
  static StorageBench open(String tempPrefix, long timeoutMillis) throws Exception {
    return new StorageBench(Vertx.vertx(), Files.createTempDirectory(tempPrefix), timeoutMillis);
  }

  Vertx vertx() {
    return vertx;
  }

  Path root() {
    return root;
  }

  /** {@code name} in the test's directory. */
  Path path(String name) {
    return root.resolve(name);
  }

  /** Three safekeepers (sk1..sk3, quorum 2), each with its data under {@link #root()}. */
  List<SafekeeperRef> deploySafekeepers(long walRetentionMarginBytes) {
    List<SafekeeperRef> safekeepers = new ArrayList<>();
    for (String id : SAFEKEEPERS) {
      safekeepers.add(SafekeeperService.deploy(vertx, new SafekeeperConfig(id, root.resolve(id), "127.0.0.1", 0, 2,
          walRetentionMarginBytes), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)).await().ref());
    }
    return safekeepers;
  }

  /** Deploys a pageserver, which becomes the current one, with metrics of its own ({@link #registry()}). */
  PageserverService.Handle deployPageserver(PageserverConfig config) {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    pageserver = PageserverService.deploy(vertx, config, registry).await();
    return pageserver;
  }

  /** Undeploys the current pageserver, as if its process stopped; its directory stays. */
  void stopPageserver() {
    pageserver.undeploy(vertx).await();
  }

  PageserverService.Handle pageserver() {
    return pageserver;
  }

  /** The current pageserver's metrics. */
  PrometheusMeterRegistry registry() {
    return registry;
  }

  BasebackupClient basebackups() {
    return basebackups;
  }

  SocketAddress pageserverAddress() {
    return SocketAddress.inetSocketAddress(pageserver.port(), pageserver.host());
  }

  /** A compute started from the pageserver's basebackup of {@code timeline} at {@code lsn}. */
  TestCompute startCompute(String timeline, long lsn) throws Exception {
    Path dataDir = root.resolve("computes").resolve("c" + (++computeDirs)).resolve("pgdata");
    basebackups.fetch(pageserverAddress(), TENANT, timeline, lsn, dataDir).await();
    TestCompute compute = TestCompute.start(dataDir, Map.of());
    computes.add(compute);
    return compute;
  }

  /** Stops a compute this bench started. */
  void stop(TestCompute compute) throws Exception {
    compute.close();
    computes.remove(compute);
  }

  /** The ordered checksum of a compute started at (timeline, lsn), which is stopped again. */
  String checksumOf(String timeline, long lsn) throws Exception {
    TestCompute compute = startCompute(timeline, lsn);
    try {
      return compute.checksum();
    } finally {
      stop(compute);
    }
  }

  /** What the compute agent and the control plane do for a compute with safekeepers (ReplicationSetup, TimelineElection). */
  void streamToSafekeepers(TestCompute compute, long start, List<SafekeeperRef> safekeepers) throws Exception {
    StringBuilder setup = new StringBuilder("CREATE ROLE " + REPLICATION_USER + " WITH LOGIN REPLICATION PASSWORD '"
        + REPLICATION_PASSWORD + "';");
    for (String id : SAFEKEEPERS) {
      setup.append("SELECT pg_create_physical_replication_slot('").append(WalSource.slotName(id)).append("', true);");
    }
    compute.execute(setup.toString());
    List<TermStart> history = List.of(new TermStart(1, start));
    for (SafekeeperRef sk : safekeepers) {
      request(BusAddresses.safekeeperPrepareTerm(sk.id()), new PrepareTerm(TENANT, MAIN, 1, history, start, start, null),
          TimelineState.class);
      request(BusAddresses.safekeeperFollow(sk.id()), new FollowCompute(TENANT, MAIN, 1, history, start, null,
          "127.0.0.1", compute.port(), REPLICATION_USER, REPLICATION_PASSWORD), TimelineState.class);
    }
    compute.execute("ALTER SYSTEM SET synchronous_standby_names = 'ANY 2 (sk1, sk2, sk3)'");
    compute.execute("SELECT pg_reload_conf()");
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (Integer.parseInt(compute.queryString(
        "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")) < 2) {
      assertTrue(System.currentTimeMillis() < deadline, "safekeepers stream from the compute");
      Thread.sleep(50);
    }
  }

  void awaitIngested(String timeline, long lsn) throws Exception {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (Lsn.compare(info(timeline).lastRecordLsn(), lsn) < 0) {
      assertTrue(System.currentTimeMillis() < deadline, "the pageserver ingests up to " + Lsn.format(lsn));
      Thread.sleep(20);
    }
  }

  PageserverTimelineInfo info(String timeline) {
    return request(BusAddresses.PAGESERVER_TIMELINE_INFO, new PageserverGetTimeline(TENANT, timeline),
        PageserverTimelineInfo.class);
  }

  <R> R request(String address, Object message, Class<R> replyType) {
    return Bus.request(vertx.eventBus(), address, message, replyType, timeoutMillis).await();
  }

  /** The compute's current WAL insert position. */
  static long insertLsn(TestCompute compute) throws Exception {
    return Lsn.parse(compute.queryString("SELECT pg_current_wal_insert_lsn()::text"));
  }

  /** Ends the compute's current WAL segment; returns the switch record's end (the next segment's start). */
  static long switchWal(TestCompute compute) throws Exception {
    compute.execute("SELECT pg_switch_wal()");
    return WalSegments.segmentStart(WalSegments.segmentNumber(insertLsn(compute)));
  }

  /** Stops the computes this bench started, closes Vert.x (and with it the services) and deletes the directory. */
  void close() throws Exception {
    for (TestCompute compute : computes) {
      compute.close();
    }
    computes.clear();
    vertx.close().await();
    PgFiles.deleteRecursively(root);
  }
}
