package dev.argondb.safekeeper.replication;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.io.IOException;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One physical-replication connection. Every method may be called from any thread; the work runs on
 * the connection's event loop, where the listener is called too. Commands run one at a time.
 * {@link #sendStatus} is the exception: it writes from the calling thread, so a WAL writer thread can
 * answer right after its fsync without waking the event loop: straight into the socket while streaming
 * on the native transport ({@link DirectSocketWriter}), else through Vert.x.
 *
 * <p>Keepalives that request a reply are answered automatically with the positions of the last
 * {@link #sendStatus} (0/0 before the first: nothing is claimed durable). The owner should call
 * {@code sendStatus} right after each fsync, including the one that completes a segment: a stale
 * flush position stalls synchronous commits, and on a fast shutdown the walsender waits (up to
 * wal_sender_timeout) for our write position to reach what it sent before it ends the stream.
 */
public final class ReplicationConnection {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicationConnection.class);
  /** Postgres slot names: lower-case letters, digits, underscore, at most NAMEDATALEN-1 bytes. */
  private static final Pattern SLOT_NAME = Pattern.compile("[a-z0-9_]{1,63}");
  private static final int IDENTIFY_SYSTEM_COLUMNS = 4;

  private final Vertx vertx;
  private final NetClient client;
  private final NetSocket socket;
  private final Context context;
  private final MessageFramer framer = new MessageFramer(this::dispatch);
  private final Promise<String> closed = Promise.promise();
  private final Map<String, String> parameters = new HashMap<>();
  private Phase phase = Phase.IDLE;
  private boolean busy = true;
  private boolean ended;
  private String lastNotice;
  /** True from CopyBothResponse until the connection ends: status updates may go out (any thread). */
  private volatile boolean streaming;
  /** Guards the positions below and orders status messages, which go out from more than one thread. */
  private final Object statusLock = new Object();
  /** While streaming on the native transport: writes status updates without the event loop. */
  private DirectSocketWriter direct;
  private long lastWrite;
  private long lastFlush;
  private long lastApply;

  ReplicationConnection(Vertx vertx, NetClient client, NetSocket socket) {
    this.vertx = vertx;
    this.client = client;
    this.socket = socket;
    this.context = vertx.getOrCreateContext();
    socket.handler(chunk -> {
      try {
        framer.feed(chunk);
      } catch (RuntimeException e) {
        fail(e);
      }
    });
    socket.closeHandler(v -> fail(new ReplicationException("connection closed by server"
        + (lastNotice == null ? "" : " after: " + lastNotice))));
    socket.exceptionHandler(e -> fail(new ReplicationException("connection failed: " + e.getMessage(), e)));
  }

  Future<ReplicationConnection> startup(ReplicationConnectOptions options) {
    Promise<ReplicationConnection> ready = Promise.promise();
    phase = new StartupPhase(this, options.password(), ready);
    long timer = vertx.setTimer(options.connectTimeout().toMillis(), id -> fail(new ReplicationException(
        "startup did not finish within " + options.connectTimeout())));
    write(StartupMessage.physical(options.user(), options.applicationName()));
    return ready.future().andThen(ar -> vertx.cancelTimer(timer));
  }

  /** Runs IDENTIFY_SYSTEM: the cluster id, current timeline and flush LSN. */
  public Future<SystemIdentity> identifySystem() {
    return onContext(() -> {
      Promise<List<List<String>>> rows = Promise.promise();
      Future<Void> sent = command(new QueryPhase(this, rows), "IDENTIFY_SYSTEM");
      return sent.compose(v -> rows.future()).map(ReplicationConnection::identity);
    });
  }

  private static SystemIdentity identity(List<List<String>> rows) {
    if (rows.size() != 1 || rows.get(0).size() < IDENTIFY_SYSTEM_COLUMNS) {
      throw new ReplicationException("unexpected IDENTIFY_SYSTEM result " + rows);
    }
    List<String> row = rows.get(0);
    return new SystemIdentity(Long.parseUnsignedLong(row.get(0)), Integer.parseInt(row.get(1)),
        Lsns.parse(row.get(2)), row.get(3));
  }

  /** {@link #startPhysical(String, long, int, ReplicationListener)} on the server's current timeline. */
  public Future<Void> startPhysical(String slot, long startLsn, ReplicationListener listener) {
    return startPhysical(slot, startLsn, 0, listener);
  }

  /**
   * Sends START_REPLICATION [SLOT slot] PHYSICAL startLsn [TIMELINE timeline] and completes once the
   * server answers CopyBothResponse; from then on the listener receives WAL until {@link #closed()}.
   * Fails with {@link PgException} when the server refuses (unknown slot, start beyond its flush LSN).
   * WAL the server no longer has is reported after streaming began, through {@link #closed()}.
   *
   * @param slot null for none; a slot makes the server keep WAL until our flush position passes it
   * @param timeline 0 for the server's current timeline
   */
  public Future<Void> startPhysical(String slot, long startLsn, int timeline, ReplicationListener listener) {
    if (slot != null && !SLOT_NAME.matcher(slot).matches()) {
      return Future.failedFuture(new IllegalArgumentException("invalid replication slot name: " + slot));
    }
    StringBuilder sql = new StringBuilder("START_REPLICATION ");
    if (slot != null) {
      sql.append("SLOT ").append(slot).append(' ');
    }
    sql.append("PHYSICAL ").append(Lsns.format(startLsn));
    if (timeline > 0) {
      sql.append(" TIMELINE ").append(timeline);
    }
    return onContext(() -> {
      Promise<Void> started = Promise.promise();
      return command(new StreamPhase(this, listener, started), sql.toString()).compose(v -> started.future());
    });
  }

  /**
   * Sends a standby status update, from the calling thread (any). {@code flush} is the promise that
   * WAL below it is durable here: it releases synchronous commits and lets a slot's WAL go. Fails
   * unless streaming. Updates from concurrent callers go out in the order their positions were taken.
   */
  public Future<Void> sendStatus(long write, long flush, long apply, boolean replyRequested) {
    if (!streaming) {
      return Future.failedFuture(new IllegalStateException("not streaming"));
    }
    synchronized (statusLock) {
      lastWrite = write;
      lastFlush = flush;
      lastApply = apply;
      return writeStatus(StandbyStatusUpdate.encode(write, flush, apply, PgClock.now(), replyRequested));
    }
  }

  /** Holding statusLock: every message written while streaming goes through here, so none overtakes another. */
  private Future<Void> writeStatus(Buffer message) {
    if (direct == null) {
      return socket.write(message);
    }
    int written;
    try {
      written = direct.write(message);
    } catch (IOException e) {
      return Future.failedFuture(new ReplicationException("cannot send a status update: " + e.getMessage(), e));
    }
    if (written == message.length()) {
      return Future.succeededFuture();
    }
    // The send buffer is full: the rest, and all later messages, go in order through Vert.x's queue.
    closeDirect();
    return socket.write(message.getBuffer(written, message.length()));
  }

  private void closeDirect() {
    if (direct != null) {
      direct.close();
      direct = null;
    }
  }

  /** Stops delivering messages (and reading the socket) until {@link #resume()}; nothing is lost. */
  public void pause() {
    onContext(() -> {
      framer.pause();
      socket.pause();
      return Future.succeededFuture();
    });
  }

  /** Delivers what was held back, then reads again unless the listener paused once more. */
  public void resume() {
    onContext(() -> {
      try {
        framer.resume();
      } catch (RuntimeException e) {
        fail(e);
      }
      if (!framer.paused() && !ended) {
        socket.resume();
      }
      return Future.succeededFuture();
    });
  }

  /**
   * Completes once, when the connection ends: succeeds with a reason for an orderly end (the owner's
   * {@link #close()}, the server's CopyDone) and fails with the cause otherwise ({@link PgException}
   * for a server error such as removed WAL, {@link ReplicationException} for a lost connection).
   * Bytes held back by {@link #pause()} are dropped then: restart from the last flushed LSN.
   */
  public Future<String> closed() {
    return closed.future();
  }

  /** Server parameters reported so far (server_version, ...). */
  public Map<String, String> parameters() {
    return Collections.unmodifiableMap(parameters);
  }

  /** Says goodbye (Terminate) and closes; {@link #closed()} succeeds with "closed by owner". */
  public Future<Void> close() {
    onContext(() -> {
      if (!ended) {
        socket.write(Terminate.encode());
        end("closed by owner");
      }
      return Future.succeededFuture();
    });
    return closed.future().otherwiseEmpty().mapEmpty();
  }

  private Future<Void> command(Phase commandPhase, String sql) {
    if (ended) {
      return Future.failedFuture(new ReplicationException("connection is closed"));
    }
    if (busy) {
      return Future.failedFuture(new IllegalStateException("another command is running"));
    }
    busy = true;
    phase = commandPhase;
    return socket.write(Query.encode(sql));
  }

  private void dispatch(byte type, Buffer body) {
    if (ended) {
      return;
    }
    switch (type) {
      case NoticeResponse.TYPE -> {
        PgException notice = ErrorResponse.parse(body);
        lastNotice = notice.getMessage();
        LOG.info("server notice: {}", lastNotice);
      }
      case ParameterStatus.TYPE -> {
        Map.Entry<String, String> p = ParameterStatus.parse(body);
        parameters.put(p.getKey(), p.getValue());
      }
      default -> phase.onMessage(type, body);
    }
  }

  private <T> Future<T> onContext(Supplier<Future<T>> action) {
    if (Vertx.currentContext() == context) {
      return action.get();
    }
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(promise));
    return promise.future();
  }

  Vertx vertx() {
    return vertx;
  }

  void write(Buffer message) {
    socket.write(message);
  }

  void becomeIdle() {
    phase = Phase.IDLE;
    busy = false;
  }

  /** Whether status updates currently bypass the event loop (streaming on the native transport). */
  public boolean writesStatusDirectly() {
    synchronized (statusLock) {
      return direct != null;
    }
  }

  void streamingStarted() {
    synchronized (statusLock) {
      direct = DirectSocketWriter.open(socket, StandbyStatusUpdate.MESSAGE_LENGTH);
      streaming = true;
    }
  }

  void replyWithLastStatus() {
    synchronized (statusLock) {
      writeStatus(StandbyStatusUpdate.encode(lastWrite, lastFlush, lastApply, PgClock.now(), false));
    }
  }

  /** Orderly end. */
  void end(String reason) {
    finish(reason, null);
  }

  void fail(Throwable cause) {
    finish(null, cause);
  }

  private void finish(String reason, Throwable cause) {
    if (ended) {
      return;
    }
    ended = true;
    streaming = false;
    synchronized (statusLock) {
      closeDirect(); // the duplicate descriptor would keep the connection open
    }
    Phase last = phase;
    phase = Phase.IDLE;
    if (cause == null) {
      closed.tryComplete(reason);
      last.onEnd(new ReplicationException(reason));
    } else {
      closed.tryFail(cause);
      last.onEnd(cause);
    }
    socket.close();
    client.close();
  }
}
