package dev.argondb.pageserver.remote;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The layer cache's book of images: which are on local disk and how many bytes they take, which are uploaded
 * (evictable), which are pinned by readers, and when each was last used. Decides what to evict: least recently
 * used first, only unpinned uploaded local images, until the local bytes are within the limit. Holds no files;
 * the caller moves images between states as it downloads and evicts them. Thread-safe.
 */
final class CacheLedger {
  enum State {
    /** Files on local disk. */
    LOCAL,
    /** Files in remote storage only. */
    REMOTE,
    DOWNLOADING,
    /** Chosen for eviction, files being removed: still counted as local bytes. */
    EVICTING
  }

  private static final class Entry {
    State state;
    long bytes;
    boolean uploaded;
    int pins;
    long lastUse;

    Entry(State state, long bytes, boolean uploaded, long lastUse) {
      this.state = state;
      this.bytes = bytes;
      this.uploaded = uploaded;
      this.lastUse = lastUse;
    }
  }

  private final long limitBytes;
  private final Map<String, Entry> entries = new HashMap<>();
  /** A logical clock for recency: ties between equal times cannot happen. */
  private long clock;

  /** @param limitBytes local image bytes to keep at most; 0 = no limit */
  CacheLedger(long limitBytes) {
    if (limitBytes < 0) {
      throw new IllegalArgumentException("layer_cache_bytes must not be negative, got " + limitBytes);
    }
    this.limitBytes = limitBytes;
  }

  long limitBytes() {
    return limitBytes;
  }

  synchronized boolean contains(String key) {
    return entries.containsKey(key);
  }

  /** Lists an image found on disk (LOCAL or REMOTE); one already listed is left as it is. */
  synchronized void add(String key, State state, long bytes, boolean uploaded) {
    if (state != State.LOCAL && state != State.REMOTE) {
      throw new IllegalArgumentException("an image is added local or remote, not " + state);
    }
    entries.putIfAbsent(key, new Entry(state, state == State.LOCAL ? bytes : 0, uploaded, ++clock));
  }

  /** Forgets an image that is gone (its timeline deleted, or removed by GC). */
  synchronized void remove(String key) {
    entries.remove(key);
  }

  synchronized List<String> keys() {
    return List.copyOf(entries.keySet());
  }

  synchronized State state(String key) {
    return entry(key).state;
  }

  /** Its layer is in the remote index: it may be evicted from now on. */
  synchronized void uploaded(String key) {
    entry(key).uploaded = true;
  }

  synchronized boolean isUploaded(String key) {
    return entry(key).uploaded;
  }

  /** A reader holds the image (it becomes the most recently used); true if its files are local (a hit). */
  synchronized boolean pin(String key) {
    Entry e = entry(key);
    e.pins++;
    e.lastUse = ++clock;
    return e.state == State.LOCAL;
  }

  synchronized void unpin(String key) {
    Entry e = entries.get(key);
    if (e != null && e.pins > 0) {
      e.pins--;
    }
  }

  synchronized int pins(String key) {
    return entry(key).pins;
  }

  /** REMOTE → DOWNLOADING; false if it is not remote only. */
  synchronized boolean startDownload(String key) {
    Entry e = entry(key);
    if (e.state != State.REMOTE) {
      return false;
    }
    e.state = State.DOWNLOADING;
    return true;
  }

  /** DOWNLOADING → LOCAL with its bytes on disk (true), or back to REMOTE (false: the download failed). */
  synchronized void downloadEnded(String key, boolean succeeded, long bytes) {
    Entry e = entries.get(key);
    if (e == null || e.state != State.DOWNLOADING) {
      return;
    }
    e.state = succeeded ? State.LOCAL : State.REMOTE;
    e.bytes = succeeded ? bytes : 0;
  }

  /**
   * Picks images to evict, least recently used first, while the local bytes exceed the limit: only local,
   * uploaded, unpinned ones. They become EVICTING (pins cannot stop that now: a reader pinning one waits for
   * the eviction to end and downloads it again). Empty if there is no limit or nothing can go.
   */
  synchronized List<String> startEvictions() {
    List<String> victims = new ArrayList<>();
    if (limitBytes == 0) {
      return victims;
    }
    long local = 0; // what stays once the evictions under way have ended
    for (Entry e : entries.values()) {
      if (e.state == State.LOCAL) {
        local += e.bytes;
      }
    }
    if (local <= limitBytes) {
      return victims;
    }
    List<Map.Entry<String, Entry>> candidates = new ArrayList<>();
    for (Map.Entry<String, Entry> e : entries.entrySet()) {
      Entry entry = e.getValue();
      if (entry.state == State.LOCAL && entry.uploaded && entry.pins == 0) {
        candidates.add(e);
      }
    }
    candidates.sort(Comparator.comparingLong(e -> e.getValue().lastUse));
    for (Map.Entry<String, Entry> e : candidates) {
      if (local <= limitBytes) {
        break;
      }
      e.getValue().state = State.EVICTING;
      local -= e.getValue().bytes;
      victims.add(e.getKey());
    }
    return victims;
  }

  /** EVICTING → REMOTE (true), or back to LOCAL (false: removing its files failed). */
  synchronized void evictionEnded(String key, boolean succeeded) {
    Entry e = entries.get(key);
    if (e == null || e.state != State.EVICTING) {
      return;
    }
    e.state = succeeded ? State.REMOTE : State.LOCAL;
    if (succeeded) {
      e.bytes = 0;
    }
  }

  /** Bytes of the images whose files are on local disk (those being evicted included). */
  synchronized long localBytes() {
    long sum = 0;
    for (Entry e : entries.values()) {
      if (e.state == State.LOCAL || e.state == State.EVICTING) {
        sum += e.bytes;
      }
    }
    return sum;
  }

  private Entry entry(String key) {
    Entry e = entries.get(key);
    if (e == null) {
      throw new IllegalStateException("image " + key + " is not in the layer cache");
    }
    return e;
  }
}
