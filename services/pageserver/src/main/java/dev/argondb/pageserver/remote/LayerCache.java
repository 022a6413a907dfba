package dev.argondb.pageserver.remote;

import dev.argondb.pageserver.image.ChainSource;
import dev.argondb.pageserver.image.Image;
import dev.argondb.pageserver.image.ImageListChanges;
import dev.argondb.pageserver.image.ImageChain;
import dev.argondb.pageserver.image.ImageStore;
import dev.argondb.pageserver.image.PinnedChain;
import dev.argondb.pageserver.timeline.Timeline;
import dev.argondb.pageserver.timeline.Timelines;
import dev.argondb.pgformat.Lsn;
import dev.argondb.pgruntime.PgFiles;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local layer cache: keeps image files on local disk within {@code layer_cache_bytes}. A reader opens the
 * image chain it needs through {@link #pin}: its images are pinned (never evicted while pinned), those in remote
 * storage only are downloaded first (one download per image, shared by concurrent readers), and each use makes
 * them the most recently used. Images whose layer the remote index lists are evictable; when local image bytes
 * exceed the limit the least recently used unpinned ones go back to remote only. Images made locally join the
 * cache at the next {@link #sync} (each {@code syncMillis}) or when first pinned; the uploader tells it which are
 * uploaded ({@link #uploaded}). Without remote storage nothing is ever evicted or downloaded.
 */
public final class LayerCache implements ChainSource {
  private static final Logger LOG = LoggerFactory.getLogger(LayerCache.class);
  public static final long DEFAULT_SYNC_MILLIS = 1_000;

  /** What the cache knows of an image besides the ledger: where it is, and its uploaded layer (if known). */
  private record Known(Image image, ImageResidency.RemoteCopy copy) {}

  /** A download or an eviction under way; a reader of the image waits for it. */
  private record Transition(boolean download, Future<Void> done) {}

  private final Vertx vertx;
  private final Timelines timelines;
  private final CacheLedger ledger;
  private final CacheMetrics metrics;
  private final LayerDownloader downloader;
  private final Path downloads;
  private final Path trash;
  private final long syncMillis;
  private final Map<String, Known> known = new HashMap<>();
  private final Map<String, Transition> transitions = new HashMap<>();
  private boolean evicting;
  /** Set once the first sync listed every image: leftovers of a crash are only removed before that. */
  private volatile boolean started;
  private long timer = -1;
  /** Image lists as of the last sync: a sync lists images only when one came or went. */
  private final ImageListChanges imageLists = new ImageListChanges();

  /**
   * @param storage    remote storage (null: none, so nothing is downloaded or evicted)
   * @param limitBytes {@code layer_cache_bytes}; 0 = no limit
   * @param dataDir    the pageserver's data directory: downloads and evictions work in directories below it
   */
  public LayerCache(Vertx vertx, Timelines timelines, RemoteStorage storage, RemoteMetrics remoteMetrics,
                    MeterRegistry registry, long limitBytes, Path dataDir, long syncMillis) {
    this.vertx = vertx;
    this.timelines = timelines;
    this.ledger = new CacheLedger(limitBytes);
    this.metrics = new CacheMetrics(registry);
    this.downloads = dataDir.resolve("layer-downloads");
    this.trash = dataDir.resolve("layer-evictions");
    this.downloader = storage == null ? null
        : new LayerDownloader(vertx, storage, remoteMetrics, metrics, downloads);
    this.syncMillis = syncMillis;
    metrics.gauges(ledger::localBytes, limitBytes);
  }

  /** Removes what a stopped pageserver's downloads and evictions left, lists every image, then syncs periodically. */
  public Future<Void> start() {
    return vertx.executeBlocking(() -> {
      PgFiles.deleteRecursively(downloads);
      PgFiles.deleteRecursively(trash);
      return null;
    }, false).compose(cleaned -> sync()).onSuccess(synced -> {
      started = true;
      LOG.info("Layer cache: {} MB of images on local disk, limit {}", ledger.localBytes() >> 20,
          ledger.limitBytes() == 0 ? "none" : (ledger.limitBytes() >> 20) + " MB");
      timer = vertx.setPeriodic(syncMillis, id -> sync().onFailure(failure ->
          LOG.warn("Layer cache sync failed: {}", failure.toString())));
    });
  }

  public void stop() {
    vertx.cancelTimer(timer);
    metrics.close();
  }

  /**
   * Whether a reader holds the image now (GC, say, must not remove its files then). An image the cache has not
   * listed yet is not pinned.
   */
  public boolean isPinned(Image image) {
    String key = key(image);
    synchronized (this) {
      return ledger.contains(key) && ledger.pins(key) > 0;
    }
  }

  /** Bytes of images on local disk, as the cache counts them. */
  public long localBytes() {
    return ledger.localBytes();
  }

  /**
   * The chain a timeline sees at {@code lsn}, its images on local disk (downloaded if need be) and pinned until
   * the returned chain is closed. Fails (nothing pinned) if an image cannot be downloaded, naming its layer.
   */
  public Future<PinnedChain> pin(Timeline timeline, long lsn) {
    List<String> pinned = new ArrayList<>();
    Runnable release = () -> {
      synchronized (this) {
        pinned.forEach(ledger::unpin);
      }
    };
    return vertx.executeBlocking(() -> {
      List<ImageChain.Located> located = ImageChain.locate(timeline, lsn);
      for (ImageChain.Located image : located) {
        register(image.image());
      }
      synchronized (this) {
        for (ImageChain.Located image : located) {
          String key = key(image.image());
          boolean hit = ledger.pin(key);
          pinned.add(key);
          if (hit) {
            metrics.hit();
          } else {
            metrics.miss();
          }
        }
      }
      return located;
    }, false).compose(located -> {
      List<Future<Void>> local = new ArrayList<>();
      for (ImageChain.Located image : located) {
        local.add(ensureLocal(image.image()));
      }
      return Future.all(local).compose(all -> vertx.executeBlocking(
          () -> new PinnedChain(ImageChain.of(located), release), false));
    }).onFailure(failure -> release.run());
  }

  /** {@link #pin}, waiting: for workers that read chains (image roll forward). */
  @Override
  public PinnedChain open(Timeline timeline, long lsn) throws IOException {
    try {
      return pin(timeline, lsn).toCompletionStage().toCompletableFuture().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while opening an image chain");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IOException(e.getCause());
    }
  }

  /**
   * The uploader's news: these images of {@code timeline} are in its remote index. Each gets its
   * {@code remote.json} (so a restart knows too) and becomes evictable; then evicts if over the limit.
   */
  public Future<Void> uploaded(Timeline timeline, RemoteIndex index) {
    return vertx.executeBlocking(() -> {
      for (RemoteLayer layer : index.images()) {
        Optional<Image> image = timeline.images().at(layer.endLsn());
        if (image.isEmpty()) {
          continue;
        }
        String key = key(image.get());
        register(image.get());
        synchronized (this) {
          if (ledger.isUploaded(key)) {
            continue;
          }
        }
        ImageResidency.RemoteCopy copy = new ImageResidency.RemoteCopy(
            RemoteKeys.timelinePrefix(timeline.tenantId(), timeline.timelineId()) + layer.name(), layer.size(),
            layer.sha256());
        ImageResidency.writeRemoteCopy(image.get().dir(), copy);
        synchronized (this) {
          known.put(key, new Known(image.get(), copy));
          ledger.uploaded(key);
        }
      }
      return null;
    }, false).compose(marked -> evictIfNeeded()).mapEmpty();
  }

  /** Lists images new on disk, forgets those gone (deleted timelines, GC), then evicts if over the limit. */
  public Future<Void> sync() {
    return vertx.executeBlocking(() -> {
      synchronized (imageLists) {
        imageLists.look(timelines.all());
        if (started && !imageLists.anyChanged()) {
          return null; // no image came or went: nothing to list
        }
      }
      Set<String> present = new HashSet<>();
      for (Timeline timeline : timelines.all()) {
        for (Image image : timeline.images().all()) {
          present.add(key(image));
          register(image);
        }
      }
      synchronized (this) {
        for (String key : ledger.keys()) {
          if (!present.contains(key) && !transitions.containsKey(key)) {
            ledger.remove(key);
            known.remove(key);
          }
        }
      }
      return null;
    }, false).compose(listed -> evictIfNeeded()).mapEmpty();
  }

  /**
   * Evicts least recently used unpinned uploaded images while local bytes exceed the limit (one round at a time);
   * completes with how many went.
   */
  public Future<Integer> evictIfNeeded() {
    Map<String, Image> victims = new HashMap<>();
    Map<String, Promise<Void>> done = new HashMap<>();
    synchronized (this) {
      if (evicting || downloader == null) {
        return Future.succeededFuture(0);
      }
      for (String key : ledger.startEvictions()) {
        victims.put(key, known.get(key).image());
        Promise<Void> promise = Promise.promise();
        done.put(key, promise);
        transitions.put(key, new Transition(false, promise.future()));
      }
      if (victims.isEmpty()) {
        return Future.succeededFuture(0);
      }
      evicting = true;
    }
    return vertx.executeBlocking(() -> {
      int evicted = 0;
      for (Map.Entry<String, Image> victim : victims.entrySet()) {
        Image image = victim.getValue();
        boolean ok = false;
        try {
          long freed = ImageResidency.evict(image, trash);
          ok = true;
          evicted++;
          metrics.evicted(freed);
          LOG.info("Evicted image {} ({}) from the layer cache: {} KB freed, {} MB of images local, limit {} MB",
              Lsn.format(image.lsn()), image.dir(), freed / 1024, (ledger.localBytes() - freed) >> 20,
              ledger.limitBytes() >> 20);
        } catch (IOException | RuntimeException e) {
          LOG.warn("Evicting image {} ({}) failed: {}", Lsn.format(image.lsn()), image.dir(), e.toString());
        }
        synchronized (this) {
          ledger.evictionEnded(victim.getKey(), ok);
          transitions.remove(victim.getKey());
        }
        done.get(victim.getKey()).complete();
      }
      return evicted;
    }, false).onComplete(finished -> {
      synchronized (this) {
        evicting = false;
      }
    });
  }

  /** Completes once the image's files are on local disk: at once, after a download, or after an eviction + one. */
  private Future<Void> ensureLocal(Image image) {
    String key = key(image);
    synchronized (this) {
      Transition under = transitions.get(key);
      if (under != null) {
        return under.download() ? under.done() : under.done().transform(evicted -> ensureLocal(image));
      }
      if (ledger.state(key) == CacheLedger.State.LOCAL) {
        return Future.succeededFuture();
      }
      ImageResidency.RemoteCopy copy = known.get(key).copy();
      if (downloader == null || copy == null) {
        return Future.failedFuture(new IOException("image " + Lsn.format(image.lsn()) + " (" + image.dir()
            + ") is in remote storage only, but " + (downloader == null ? "no remote storage is configured"
            : "its remote layer is unknown (no " + ImageResidency.REMOTE_COPY + ")")));
      }
      ledger.startDownload(key);
      Promise<Void> downloaded = Promise.promise();
      transitions.put(key, new Transition(true, downloaded.future()));
      downloader.download(image, copy).onComplete(result -> {
        synchronized (this) {
          ledger.downloadEnded(key, result.succeeded(), result.succeeded() ? result.result() : 0);
          transitions.remove(key);
        }
        if (result.succeeded()) {
          downloaded.complete();
          evictIfNeeded();
        } else {
          downloaded.fail(result.cause());
        }
      });
      return downloaded.future();
    }
  }

  /** Adds an image found on disk to the ledger (once): local with its bytes, or remote only. Blocking. */
  private void register(Image image) throws IOException {
    String key = key(image);
    synchronized (this) {
      if (ledger.contains(key)) {
        return;
      }
    }
    ImageResidency.RemoteCopy copy = ImageResidency.remoteCopy(image.dir());
    boolean local = ImageStore.isLocal(image);
    if (!local && !started) {
      // What an eviction or a download cut short by a crash left (later, a download may be installing them).
      ImageResidency.removeLeftovers(image);
    }
    long bytes = local ? ImageStore.bytesOnDisk(image) : 0;
    synchronized (this) {
      if (!ledger.contains(key)) {
        known.put(key, new Known(image, copy));
        ledger.add(key, local ? CacheLedger.State.LOCAL : CacheLedger.State.REMOTE, bytes, copy != null);
      }
    }
  }

  private static String key(Image image) {
    return image.dir().toAbsolutePath().normalize().toString();
  }
}
