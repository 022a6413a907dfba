package dev.argondb.pageserver.wal;

import dev.argondb.pageserver.timeline.Timeline;
import dev.argondb.pgformat.Lsn;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The WAL a timeline sees up to an end LSN: its own from its start, below that its ancestor's (up to
 * the branch point), and so on to the root; zeros at and after the end, so Postgres's recovery stops
 * exactly there. Blocking.
 */
public final class WalView {
  /** One timeline's WAL, used from {@code fromLsn} up to the next newer piece's start (or the end). */
  private record Piece(Timeline timeline, long fromLsn) {}

  private final List<Piece> newestFirst;
  private final long endLsn;

  private WalView(List<Piece> newestFirst, long endLsn) {
    this.newestFirst = newestFirst;
    this.endLsn = endLsn;
  }

  public static WalView of(Timeline timeline, long endLsn) {
    List<Piece> pieces = new ArrayList<>();
    for (Timeline t = timeline; t != null; t = t.ancestor()) {
      pieces.add(new Piece(t, t.ancestor() == null ? 0 : t.startLsn()));
    }
    return new WalView(pieces, endLsn);
  }

  public long endLsn() {
    return endLsn;
  }

  /** Fills {@code target} (position to limit) with the WAL at {@code lsn}. */
  public void read(long lsn, ByteBuffer target) throws IOException {
    long at = lsn;
    while (target.hasRemaining()) {
      if (Lsn.compare(at, endLsn) >= 0) {
        while (target.hasRemaining()) {
          target.put((byte) 0);
        }
        return;
      }
      long upper = endLsn;
      Piece piece = null;
      for (Piece p : newestFirst) {
        if (Lsn.compare(p.fromLsn(), at) <= 0) {
          piece = p;
          break;
        }
        upper = p.fromLsn();
      }
      int n = (int) Math.min(target.remaining(), upper - at);
      ByteBuffer part = target.slice(target.position(), n);
      piece.timeline().wal().read(at, part);
      target.position(target.position() + n);
      at += n;
    }
  }
}
