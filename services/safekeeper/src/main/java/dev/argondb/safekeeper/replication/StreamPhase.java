package dev.argondb.safekeeper.replication;

import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;

/**
 * START_REPLICATION and the copy-both stream after it. Before CopyBothResponse an error is an
 * answer to the command (ReadyForQuery follows); after it, any error ends the connection.
 */
final class StreamPhase implements Phase {
  private final ReplicationConnection connection;
  private final ReplicationListener listener;
  private final Promise<Void> started;
  private boolean copying;
  private PgException refusal;

  StreamPhase(ReplicationConnection connection, ReplicationListener listener, Promise<Void> started) {
    this.connection = connection;
    this.listener = listener;
    this.started = started;
  }

  @Override
  public void onMessage(byte type, Buffer body) {
    if (!copying) {
      beforeCopy(type, body);
      return;
    }
    switch (type) {
      case CopyData.TYPE -> onCopyData(body);
      case CopyDone.TYPE -> {
        connection.write(CopyDone.encode());
        connection.end("server ended the stream (CopyDone: end of timeline or shutdown)");
      }
      // A walsender that finished on shutdown (after we confirmed all it sent) ends with CommandComplete.
      case CommandComplete.TYPE -> connection.end("server finished streaming (shutdown)");
      case ErrorResponse.TYPE -> throw ErrorResponse.parse(body);
      default -> throw new ReplicationException("unexpected message '" + (char) type + "' while streaming");
    }
  }

  private void beforeCopy(byte type, Buffer body) {
    switch (type) {
      case CopyBothResponse.TYPE -> {
        copying = true;
        connection.streamingStarted();
        started.tryComplete();
      }
      case ErrorResponse.TYPE -> refusal = ErrorResponse.parse(body);
      case ReadyForQuery.TYPE -> {
        connection.becomeIdle();
        started.tryFail(refusal != null ? refusal
            : new ReplicationException("START_REPLICATION ended without streaming"));
      }
      // A timeline-history result set may precede nothing here; tolerate row traffic.
      case RowDescription.TYPE, DataRow.TYPE, CommandComplete.TYPE -> { }
      default -> throw new ReplicationException("unexpected message '" + (char) type + "' after START_REPLICATION");
    }
  }

  private void onCopyData(Buffer payload) {
    byte kind = payload.getByte(0);
    switch (kind) {
      case XLogData.TYPE -> {
        XLogData x = XLogData.parse(payload);
        listener.onXLogData(x.walStart(), x.walEnd(), x.data());
      }
      case PrimaryKeepalive.TYPE -> {
        PrimaryKeepalive k = PrimaryKeepalive.parse(payload);
        if (k.replyRequested()) {
          // Answer at once: the walsender drops a standby that stays silent for wal_sender_timeout.
          connection.replyWithLastStatus();
        }
        listener.onKeepalive(k.walEnd(), k.replyRequested());
      }
      default -> throw new ReplicationException("unknown CopyData message '" + (char) kind + "'");
    }
  }

  @Override
  public void onEnd(Throwable cause) {
    started.tryFail(cause);
  }
}
