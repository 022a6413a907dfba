package dev.argondb.safekeeper.replication;

import io.vertx.core.buffer.Buffer;

/**
 * Receives the stream on the connection's event loop: must not block. Consecutive XLogData are
 * contiguous ({@code walStart} of one is the end of the previous), but a message may cross a WAL
 * segment boundary: the owner splits it. An exception thrown here closes the connection.
 */
public interface ReplicationListener {
  /** WAL bytes for [walStart, walStart + data.length()); {@code walEnd} is the server's flushed end. */
  void onXLogData(long walStart, long walEnd, Buffer data);

  /**
   * A keepalive. When {@code replyRequested}, the connection has already answered with the positions
   * of the last {@link ReplicationConnection#sendStatus}; the owner need not reply again.
   */
  default void onKeepalive(long walEnd, boolean replyRequested) {}
}
