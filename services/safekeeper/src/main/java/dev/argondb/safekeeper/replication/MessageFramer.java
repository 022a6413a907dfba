package dev.argondb.safekeeper.replication;

import io.vertx.core.buffer.Buffer;

/**
 * Cuts the server's byte stream into typed messages across chunk boundaries. It honours
 * {@link #pause()} between messages, even in the middle of a chunk: bytes already read stay here until
 * {@link #resume()}, so pausing never loses nor reorders anything.
 */
final class MessageFramer {
  interface Sink {
    void onMessage(byte type, Buffer body);
  }

  /** Postgres never sends a message longer than 1 GB; a larger length means we lost the framing. */
  private static final int MAX_LENGTH = 1 << 30;
  /** Compact the pending buffer only once this much was consumed, not after each message. */
  private static final int COMPACT_THRESHOLD = 64 * 1024;

  private final Sink sink;
  private Buffer pending = Buffer.buffer();
  private int pos;
  private boolean paused;
  private boolean draining;

  MessageFramer(Sink sink) {
    this.sink = sink;
  }

  void feed(Buffer chunk) {
    pending.appendBuffer(chunk);
    drain();
  }

  void pause() {
    paused = true;
  }

  void resume() {
    paused = false;
    drain();
  }

  boolean paused() {
    return paused;
  }

  private void drain() {
    if (draining) {
      return; // resume() from inside a callback: the running loop goes on
    }
    draining = true;
    try {
      while (!paused && pending.length() - pos >= Wire.HEADER_LENGTH) {
        int length = pending.getInt(pos + 1);
        if (length < 4 || length > MAX_LENGTH) {
          throw new ReplicationException("invalid message length " + length + " for type '"
              + (char) pending.getByte(pos) + "'");
        }
        int end = pos + 1 + length;
        if (pending.length() < end) {
          break;
        }
        byte type = pending.getByte(pos);
        Buffer body = pending.getBuffer(pos + Wire.HEADER_LENGTH, end); // a copy: the listener may keep it
        pos = end;
        sink.onMessage(type, body);
      }
    } finally {
      draining = false;
      compact();
    }
  }

  private void compact() {
    if (pos == pending.length()) {
      pending = Buffer.buffer();
      pos = 0;
    } else if (pos >= COMPACT_THRESHOLD) {
      pending = pending.getBuffer(pos, pending.length());
      pos = 0;
    }
  }
}
