package dev.argondb.safekeeper;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.argondb.bus.Bus;
import dev.argondb.bus.BusAddresses;
import dev.argondb.bus.FollowCompute;
import dev.argondb.bus.GetTimelineState;
import dev.argondb.bus.PrepareTerm;
import dev.argondb.bus.TermStart;
import dev.argondb.bus.TimelineState;
import dev.argondb.bus.WalSource;
import dev.argondb.pgformat.Lsn;
import dev.argondb.safekeeper.replication.ReplicationPostgres;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A safekeeper that joins after the WAL was written (it copies it from a peer and follows no compute)
 * still learns the commit LSN: every safekeeper re-announces its flush position periodically, so a
 * quorum of reports exists even when no flush moves.
 */
class CommitLsnGossipTest {
  private static final String TENANT = "0123456789abcdef0123456789abcdef";
  private static final String TIMELINE = "fedcba9876543210fedcba9876543210";

  @TempDir
  Path dataDir;

  private static TimelineState state(Vertx vertx, String id) {
    return Bus.request(vertx.eventBus(), BusAddresses.safekeeperTimelineState(id),
        new GetTimelineState(TENANT, TIMELINE), TimelineState.class, 10_000).await();
  }

  @Test
  void aLateSafekeeperLearnsTheCommitLsnFromItsPeersAnnouncements() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (ReplicationPostgres pg = ReplicationPostgres.start()) {
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      pg.execute("SELECT pg_create_physical_replication_slot('" + WalSource.slotName("sk1") + "', true)");
      pg.execute("CHECKPOINT");
      long start = Lsn.parse(pg.queryString("SELECT pg_current_wal_insert_lsn()::text"));
      List<TermStart> history = List.of(new TermStart(1, start));
      SafekeeperService.Handle sk1 = SafekeeperService.deploy(vertx,
          new SafekeeperConfig("sk1", dataDir.resolve("sk1"), "127.0.0.1", 0, 2), registry).await();
      Bus.request(vertx.eventBus(), BusAddresses.safekeeperPrepareTerm("sk1"), new PrepareTerm(TENANT, TIMELINE, 1,
          history, start, start, null), TimelineState.class, 10_000).await();
      Bus.request(vertx.eventBus(), BusAddresses.safekeeperFollow("sk1"), new FollowCompute(TENANT, TIMELINE, 1,
          history, start, null, "127.0.0.1", pg.port(), ReplicationPostgres.REPLICATOR,
          ReplicationPostgres.REPLICATOR_PASSWORD), TimelineState.class, 10_000).await();
      pg.execute("CREATE TABLE t(v int); INSERT INTO t SELECT generate_series(1, 100)");
      long end = Lsn.parse(pg.queryString("SELECT pg_current_wal_lsn()::text"));
      long deadline = System.currentTimeMillis() + 20_000;
      while (state(vertx, "sk1").flushLsn() < end && System.currentTimeMillis() < deadline) {
        Thread.sleep(20);
      }
      long flushed = state(vertx, "sk1").flushLsn();
      assertTrue(flushed >= end, "sk1 streamed the WAL");
      assertTrue(state(vertx, "sk1").commitLsn() < end, "with a quorum of 2, one safekeeper alone commits nothing");

      // sk2 joins late: it copies the WAL from sk1 and follows no compute, so its own flush never moves.
      SafekeeperService.deploy(vertx, new SafekeeperConfig("sk2", dataDir.resolve("sk2"), "127.0.0.1", 0, 2),
          registry).await();
      Bus.request(vertx.eventBus(), BusAddresses.safekeeperPrepareTerm("sk2"), new PrepareTerm(TENANT, TIMELINE, 1,
          history, flushed, start, sk1.ref()), TimelineState.class, 10_000).await();
      deadline = System.currentTimeMillis() + 10_000;
      while (state(vertx, "sk2").commitLsn() < flushed && System.currentTimeMillis() < deadline) {
        Thread.sleep(50);
      }
      assertTrue(state(vertx, "sk2").commitLsn() >= flushed, "sk2 learned that sk1 and itself hold the WAL");
      assertTrue(state(vertx, "sk1").commitLsn() >= flushed, "and so did sk1");
    } finally {
      vertx.close().await();
    }
  }
}
