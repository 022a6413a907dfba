package dev.argondb.safekeeper.replication;

import io.vertx.core.buffer.Buffer;

/**
 * What the connection is doing (startup, a simple query, streaming): it receives the messages that
 * are not handled the same in every phase. Throwing closes the connection with that exception.
 */
interface Phase {
  void onMessage(byte type, Buffer body);

  /** The connection ended; fail whatever the phase promised. */
  void onEnd(Throwable cause);

  /** Between commands the server sends nothing but notices and parameter changes. */
  Phase IDLE = new Phase() {
    @Override
    public void onMessage(byte type, Buffer body) {
      throw new ReplicationException("unexpected message '" + (char) type + "' while idle");
    }

    @Override
    public void onEnd(Throwable cause) {}
  };
}
