package dev.argondb.compute.agent;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoints a compute that went quiet with much WAL past its last checkpoint's redo point. Postgres skips a
 * timed checkpoint when nothing was written since the previous checkpoint record, and a checkpoint spreads its
 * writes over most of {@code checkpoint_timeout} before it writes that record: a bulk load that ends while a
 * checkpoint is in progress (pgbench -i -s 70: 10 s of load, the checkpoint it triggered ends 54 s later) is
 * never covered by a later one. The pageserver's images roll forward only to checkpoint records, so every
 * later start of the endpoint replayed the rest of the load (363 MB there) until new writes came. Once the
 * WAL insert position stood still for a whole probe interval and the replay distance is at least
 * {@link #REPLAY_BYTES}, one {@code CHECKPOINT} puts the redo point at the end.
 */
final class QuietCheckpoint implements ComputeProbe {
  /** The pageserver's default image roll-forward threshold: less than this, a start replays little. */
  static final long REPLAY_BYTES = 64L << 20;
  private static final Logger LOG = LoggerFactory.getLogger(QuietCheckpoint.class);
  // NULL on a hot standby (read-only endpoint), which cannot checkpoint and writes no WAL of its own.
  private static final String POSITIONS = """
      SELECT CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_wal_insert_lsn()::text END,
             CASE WHEN pg_is_in_recovery() THEN NULL ELSE (pg_current_wal_insert_lsn() - redo_lsn)::int8 END
      FROM pg_control_checkpoint()""";

  /** Per endpoint: the WAL insert position the previous tick saw. */
  private final Map<String, String> lastInsert = new HashMap<>();

  @Override
  public Future<?> visit(RunningCompute compute, SqlConnection connection) {
    return checkpointIfQuiet(compute, connection);
  }

  @Override
  public void notRunning(RunningCompute compute) {
    lastInsert.remove(compute.endpointId());
  }

  private Future<Boolean> checkpointIfQuiet(RunningCompute compute, SqlConnection connection) {
    return connection.query(POSITIONS).execute().compose(rows -> {
      Row row = rows.iterator().next();
      String insert = row.getString(0);
      Long replayBytes = row.getLong(1);
      String previous = insert == null ? lastInsert.remove(compute.endpointId())
          : lastInsert.put(compute.endpointId(), insert);
      if (insert == null || !insert.equals(previous) || replayBytes < REPLAY_BYTES) {
        return Future.succeededFuture(false);
      }
      long begin = System.nanoTime();
      return connection.query("CHECKPOINT").execute().map(done -> {
        LOG.info("Endpoint {}: checkpointed after going quiet {} MB past its last checkpoint's redo point, in {} ms",
            compute.endpointName(), replayBytes >> 20, (System.nanoTime() - begin) / 1_000_000);
        lastInsert.remove(compute.endpointId()); // the checkpoint record moved the insert position
        return true;
      });
    });
  }
}
