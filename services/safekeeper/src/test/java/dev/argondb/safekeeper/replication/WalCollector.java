package dev.argondb.safekeeper.replication;

import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/** A test listener that keeps every received WAL byte and checks that messages are contiguous. */
class WalCollector implements ReplicationListener {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final List<String> problems = new ArrayList<>();
  private long start = -1;
  private long end = -1;
  private int messages;

  @Override
  public synchronized void onXLogData(long walStart, long walEnd, Buffer data) {
    if (start < 0) {
      start = walStart;
      end = walStart;
    } else if (walStart != end) {
      problems.add("gap: expected " + Lsns.format(end) + ", got " + Lsns.format(walStart));
    }
    bytes.writeBytes(data.getBytes());
    end = walStart + data.length();
    messages++;
  }

  synchronized long start() {
    return start;
  }

  synchronized long end() {
    return end;
  }

  synchronized int messages() {
    return messages;
  }

  synchronized List<String> problems() {
    return List.copyOf(problems);
  }

  /** The received bytes for [from, to). */
  synchronized byte[] range(long from, long to) {
    byte[] all = bytes.toByteArray();
    byte[] out = new byte[(int) (to - from)];
    System.arraycopy(all, (int) (from - start), out, 0, out.length);
    return out;
  }

  /** Waits (test thread) until WAL up to {@code lsn} arrived. */
  void awaitEnd(long lsn, long timeoutMillis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (end() < lsn) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("received WAL ends at " + Lsns.format(end()) + ", expected " + Lsns.format(lsn));
      }
      Thread.sleep(10);
    }
  }
}
