package dev.argondb.safekeeper.timeline;

import dev.argondb.bus.FollowCompute;
import dev.argondb.bus.WalSource;
import dev.argondb.pgformat.Lsn;
import dev.argondb.pgformat.WalFormatException;
import dev.argondb.pgformat.WalRecordDecoder;
import dev.argondb.safekeeper.SafekeeperMetrics;
import dev.argondb.safekeeper.replication.ReplicationClient;
import dev.argondb.safekeeper.replication.ReplicationConnectOptions;
import dev.argondb.safekeeper.replication.ReplicationConnection;
import dev.argondb.safekeeper.replication.ReplicationListener;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams one timeline's WAL from the compute it follows (Postgres physical replication, as a
 * standby named after this safekeeper), checks every record as it arrives, hands the bytes to the
 * timeline's group-commit writer and reports the fsynced position right after each fsync: that
 * report is what lets a COMMIT on the compute return, so the writer thread sends it the moment its
 * fsync returns, without waiting for this event loop. Reconnects with back-off until stopped.
 * Runs on the safekeeper verticle's event loop.
 */
public final class WalReceiver implements ReplicationListener {
  private static final Logger LOG = LoggerFactory.getLogger(WalReceiver.class);
  private static final long MAX_BACKOFF_MILLIS = 2_000;
  /** Past this much unflushed WAL the receiver stops reading, so memory stays bounded. */
  private static final long MAX_UNFLUSHED_BYTES = 64L << 20;

  private final Vertx vertx;
  private final String safekeeperId;
  private final SafekeeperTimeline timeline;
  private final FollowCompute follow;
  private final SafekeeperMetrics metrics;
  /** Called with the new record-boundary flush after each fsync (the owner gossips it and persists). */
  private final LongConsumer onRecordFlush;
  private ReplicationConnection connection;
  private WalRecordDecoder decoder;
  private long received;
  private long backoffMillis = 100;
  private boolean paused;
  private boolean stopped;

  public WalReceiver(Vertx vertx, String safekeeperId, SafekeeperTimeline timeline, FollowCompute follow,
                     SafekeeperMetrics metrics, LongConsumer onRecordFlush) {
    this.vertx = vertx;
    this.safekeeperId = safekeeperId;
    this.timeline = timeline;
    this.follow = follow;
    this.metrics = metrics;
    this.onRecordFlush = onRecordFlush;
  }

  public FollowCompute follow() {
    return follow;
  }

  public void start() {
    connect();
  }

  public void stop() {
    stopped = true;
    if (connection != null) {
      detachStatusUpdates();
      connection.close();
      connection = null;
      metrics.computeDisconnected(timeline.key);
    }
  }

  /** From the next fsync on, the writer thread reports it on {@code current} (any WAL it writes came from there). */
  private void attachStatusUpdates(ReplicationConnection current) {
    timeline.writer.onDurableOnWriterThread(flushed -> current.sendStatus(flushed, flushed, flushed, false));
  }

  private void detachStatusUpdates() {
    timeline.writer.onDurableOnWriterThread(flushed -> { });
  }

  private void connect() {
    if (stopped) {
      return;
    }
    // Start at the last complete record: a partial tail from an earlier connection is re-sent.
    long start = timeline.recordFlushLsn;
    ReplicationConnectOptions options = new ReplicationConnectOptions(follow.host(), follow.port(), follow.user(),
        follow.password(), safekeeperId, Duration.ofSeconds(5));
    timeline.writer.whenIdle()
        .compose(idle -> timeline.writer.truncateAfter(start))
        .compose(truncated -> ReplicationClient.connect(vertx, options))
        .compose(conn -> {
          if (stopped) {
            conn.close();
            return Future.failedFuture("stopped");
          }
          connection = conn;
          return conn.identifySystem().compose(identity -> {
            if (timeline.systemId != null && timeline.systemId != identity.systemId()) {
              return Future.failedFuture("compute has system id " + identity.systemId() + ", this timeline's WAL is of "
                  + timeline.systemId);
            }
            timeline.systemId = identity.systemId();
            decoder = WalRecordDecoder.atRecordBoundary(start);
            received = start;
            return conn.startPhysical(WalSource.slotName(safekeeperId), start, this);
          });
        })
        .onSuccess(streaming -> {
          backoffMillis = 100;
          // A standby counts for synchronous replication only once it reported a flush position.
          connection.sendStatus(start, start, start, false);
          attachStatusUpdates(connection);
          metrics.computeConnected(timeline.key);
          LOG.info("{} {}: streaming from {}:{} at {} (term {}), status updates {}", safekeeperId, timeline.key,
              follow.host(), follow.port(), Lsn.format(start), follow.term(),
              connection.writesStatusDirectly() ? "straight into the socket" : "through the event loop");
          ReplicationConnection current = connection;
          current.closed().onComplete(reason -> onClosed(current, reason.succeeded() ? reason.result()
              : String.valueOf(reason.cause().getMessage())));
        })
        .onFailure(failure -> {
          if (!stopped) {
            LOG.info("{} {}: cannot stream from {}:{}: {}; retrying in {} ms", safekeeperId, timeline.key,
                follow.host(), follow.port(), failure.getMessage(), backoffMillis);
            closeQuietly();
            retryLater();
          }
        });
  }

  private void onClosed(ReplicationConnection closed, String reason) {
    if (closed != connection || stopped) {
      return;
    }
    metrics.computeDisconnected(timeline.key);
    detachStatusUpdates();
    connection = null;
    LOG.info("{} {}: replication connection ended: {}", safekeeperId, timeline.key, reason);
    retryLater();
  }

  private void retryLater() {
    long delay = backoffMillis;
    backoffMillis = Math.min(MAX_BACKOFF_MILLIS, backoffMillis * 2);
    vertx.setTimer(delay, id -> connect());
  }

  private void closeQuietly() {
    if (connection != null) {
      detachStatusUpdates();
      connection.close();
      connection = null;
    }
  }

  @Override
  public void onXLogData(long walStart, long walEnd, Buffer data) {
    if (stopped || connection == null) {
      return;
    }
    if (walStart != received) {
      corrupt("WAL arrived at " + Lsn.format(walStart) + ", expected " + Lsn.format(received));
      return;
    }
    // One copy out of the message, shared by the check and the writer (the decoder reads a duplicate).
    ByteBuffer wal = ByteBuffer.wrap(data.getBytes());
    try {
      // Checked before it is stored: a corrupt record never reaches the disk whole.
      decoder.feed(walStart, wal.duplicate(), record -> { });
    } catch (WalFormatException e) {
      corrupt(e.getMessage());
      return;
    }
    received = walStart + data.length();
    metrics.received(timeline.key, data.length());
    long recordEnd = decoder.lastRecordEnd();
    ReplicationConnection current = connection;
    timeline.writer.append(walStart, wal).onSuccess(flushed -> {
      // The writer thread already reported this fsync to the compute (attachStatusUpdates).
      metrics.lag(timeline.key, Math.max(0, walEnd - flushed));
      if (current == connection && !stopped && paused
          && timeline.writer.unflushedBytes() < MAX_UNFLUSHED_BYTES / 2) {
        paused = false;
        current.resume();
      }
      long boundary = Math.min(recordEnd, flushed);
      if (boundary > timeline.recordFlushLsn) {
        timeline.recordFlushLsn = boundary;
        onRecordFlush.accept(boundary);
      }
    }).onFailure(failure -> corrupt("cannot store WAL: " + failure.getMessage()));
    if (!paused && timeline.writer.unflushedBytes() > MAX_UNFLUSHED_BYTES) {
      paused = true;
      current.pause();
    }
  }

  /** Drops the connection; stored WAL past the last complete record is cut at the next connect. */
  private void corrupt(String reason) {
    LOG.error("{} {}: bad WAL stream from {}:{}: {}; dropping the connection", safekeeperId, timeline.key,
        follow.host(), follow.port(), reason);
    metrics.streamErrors(timeline.key);
    closeQuietly();
    retryLater();
  }
}
