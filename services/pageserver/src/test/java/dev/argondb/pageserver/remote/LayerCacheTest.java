package dev.argondb.pageserver.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.argondb.pageserver.image.Image;
import dev.argondb.pageserver.image.ImageChain;
import dev.argondb.pageserver.image.ImageStore;
import dev.argondb.pageserver.image.PinnedChain;
import dev.argondb.pageserver.timeline.Timeline;
import dev.argondb.pageserver.timeline.TimelineMetadata;
import dev.argondb.pageserver.timeline.Timelines;
import dev.argondb.pgruntime.PgFiles;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The layer cache over real files and a real directory store: a timeline with two full images of 100 KB each and
 * a 150 KB limit. Pinned images are never evicted, the least recently used unpinned uploaded one is, images not
 * uploaded never are, and concurrent readers of an evicted image share one download.
 */
class LayerCacheTest {
  private static final String TENANT = "0123456789abcdef0123456789abcdef";
  private static final String TIMELINE = "11111111111111111111111111111111";
  private static final long OLD = 0x1000000L;
  private static final long NEW = 0x2000000L;
  private static final int FILE_BYTES = 100 << 10;

  private Vertx vertx;
  private Path root;
  private PrometheusMeterRegistry registry;
  private RemoteStorage storage;
  private Timeline timeline;
  private LayerCache cache;

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    root = Files.createTempDirectory("argon-layer-cache-");
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    RemoteMetrics remoteMetrics = new RemoteMetrics(registry);
    storage = RemoteStorages.open(vertx, new RemoteStorageConfig.Directory(root.resolve("remote")), remoteMetrics)
        .await();
    Path dataDir = root.resolve("pageserver");
    Timelines timelines = new Timelines(dataDir);
    Path dir = timelines.directoryOf(TENANT, TIMELINE);
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("metadata.json"),
        new TimelineMetadata(TENANT, TIMELINE, null, 0, OLD).toJson().encode());
    writeFullImage(dir.resolve("images"), OLD, 1);
    writeFullImage(dir.resolve("images"), NEW, 2);
    timelines.loadAll();
    timeline = timelines.get(TENANT, TIMELINE);
    cache = new LayerCache(vertx, timelines, storage, remoteMetrics, registry, 150 << 10, dataDir, 3_600_000);
    cache.start().await();
  }

  @AfterEach
  void tearDown() throws Exception {
    cache.stop();
    timeline.close();
    vertx.close().await();
    PgFiles.deleteRecursively(root);
  }

  /** A full image whose data directory holds one 100 KB file of bytes from {@code seed}. */
  private static void writeFullImage(Path images, long lsn, int seed) throws Exception {
    Path imageDir = images.resolve(String.format("%016X", lsn));
    Files.createDirectories(imageDir.resolve("pgdata/global"));
    Files.write(imageDir.resolve("pgdata/global/data"), content(seed));
    Files.writeString(imageDir.resolve("image.json"), new JsonObject().put("lsn", lsn).put("checkpoint_lsn", lsn)
        .put("redo_lsn", lsn).put("clean_shutdown", true).put("kind", "full").encode());
  }

  private static byte[] content(int seed) {
    byte[] bytes = new byte[FILE_BYTES];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  private Image image(long lsn) {
    return timeline.images().at(lsn).orElseThrow();
  }

  /** Uploads both images and tells the cache, as the upload verticle does after a pass. */
  private void uploadBoth() throws Exception {
    List<RemoteLayer> layers = new ArrayList<>();
    for (long lsn : List.of(OLD, NEW)) {
      Path tar = root.resolve("upload-" + lsn + ".tar");
      LayerFiles.tar(image(lsn).dir(), tar, "image.json");
      String name = RemoteKeys.imageLayer(lsn);
      storage.put(RemoteKeys.timelinePrefix(TENANT, TIMELINE) + name, tar).await();
      layers.add(new RemoteLayer(LayerKind.IMAGE, name, lsn, lsn, Files.size(tar), LayerFiles.sha256(tar),
          new JsonObject(Files.readString(image(lsn).dir().resolve("image.json")))));
    }
    cache.uploaded(timeline, new RemoteIndex(timeline.metadata(), List.of(), layers, NEW)).await();
  }

  private static byte[] read(ImageChain chain) throws Exception {
    try (ImageChain.Reader reader = chain.reader()) {
      ByteBuffer bytes = ByteBuffer.allocate(FILE_BYTES);
      reader.read("global/data", 0, bytes);
      return bytes.array();
    }
  }

  /** {@code images} images' bytes: their data file and a few hundred bytes of description. */
  private static void assertImageBytes(int images, long bytes, String what) {
    assertTrue(bytes >= (long) images * FILE_BYTES && bytes < (long) images * FILE_BYTES + 4096,
        what + ": " + bytes + " bytes");
  }

  private double count(String name) {
    return registry.get(name).counter().count();
  }

  @Test
  void pinnedImagesStayAndTheLeastRecentlyUsedUnpinnedOneGoes() throws Exception {
    assertImageBytes(2, cache.localBytes(), "both local, neither uploaded: nothing may go");
    assertEquals(0, cache.evictIfNeeded().await());

    uploadBoth(); // over the limit: the older (least recently used) goes
    assertFalse(ImageStore.isLocal(image(OLD)));
    assertTrue(ImageStore.isLocal(image(NEW)));
    assertEquals(1, count("argon_pageserver_layer_cache_evictions_total"));

    PinnedChain newChain = cache.pin(timeline, NEW).await();
    assertEquals(1, count("argon_pageserver_layer_cache_hits_total"));
    PinnedChain oldChain = cache.pin(timeline, OLD).await(); // downloads OLD; NEW is pinned, so it stays
    assertEquals(1, count("argon_pageserver_layer_cache_misses_total"));
    assertArrayEquals(content(1), read(oldChain.chain()));
    assertArrayEquals(content(2), read(newChain.chain()));
    assertTrue(cache.isPinned(image(OLD)) && cache.isPinned(image(NEW)));
    assertEquals(0, cache.evictIfNeeded().await(), "over the limit, but every image is pinned");
    assertImageBytes(2, cache.localBytes(), "both pinned, over the limit");

    newChain.close();
    assertEquals(1, cache.evictIfNeeded().await());
    assertFalse(ImageStore.isLocal(image(NEW)), "unpinned: it goes, though used more recently than OLD");
    assertTrue(ImageStore.isLocal(image(OLD)), "pinned: it stays");
    assertArrayEquals(content(1), read(oldChain.chain()));
    PinnedChain another = cache.pin(timeline, OLD).await();
    oldChain.close();
    oldChain.close(); // a chain unpins once only
    assertTrue(cache.isPinned(image(OLD)), "another reader still holds it");
    another.close();
    assertFalse(cache.isPinned(image(OLD)));
    assertEquals(0, cache.evictIfNeeded().await(), "within the limit");
    assertImageBytes(1, cache.localBytes(), "one left");
    assertEquals(2, count("argon_pageserver_layer_cache_evictions_total"));
  }

  @Test
  void concurrentReadersOfAnEvictedImageShareOneDownload() throws Exception {
    uploadBoth();
    assertFalse(ImageStore.isLocal(image(OLD)));
    List<Future<PinnedChain>> readers = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      readers.add(cache.pin(timeline, OLD));
    }
    Future.all(readers).await();
    assertEquals(1, registry.get("argon_pageserver_layer_cache_download_seconds").timer().count());
    assertEquals(5, count("argon_pageserver_layer_cache_misses_total"));
    for (Future<PinnedChain> reader : readers) {
      assertArrayEquals(content(1), read(reader.result().chain()));
      reader.result().close();
    }
    // The blocking form (roll forward) on a worker: a hit now.
    PinnedChain opened = vertx.executeBlocking(() -> cache.open(timeline, OLD)).await();
    assertArrayEquals(content(1), read(opened.chain()));
    opened.close();
    assertEquals(1, count("argon_pageserver_layer_cache_hits_total"));
  }

  @Test
  void aRestartFindsEvictedImagesRemoteOnlyAndDownloadsThemWhenRead() throws Exception {
    uploadBoth();
    cache.stop();
    // A crash cut an eviction of NEW short: marked remote only, part of its data still there; and a download's
    // work files were left behind.
    ImageResidency.markRemoteOnly(image(NEW).dir());
    Files.delete(image(NEW).dir().resolve("pgdata/global/data"));
    Path leftDownload = root.resolve("pageserver/layer-downloads/layer-9.tar.d");
    Files.createDirectories(leftDownload);
    Timelines again = new Timelines(root.resolve("pageserver"));
    again.loadAll();
    Timeline reopened = again.get(TENANT, TIMELINE);
    LayerCache restarted = new LayerCache(vertx, again, storage, new RemoteMetrics(registry),
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), 150 << 10, root.resolve("pageserver"), 3_600_000);
    restarted.start().await();
    assertEquals(0, restarted.localBytes(), "both remote only");
    assertFalse(Files.exists(image(NEW).dir().resolve("pgdata")), "the half-evicted image's rest is removed");
    assertFalse(Files.exists(leftDownload));
    try (PinnedChain chain = restarted.pin(reopened, OLD).await()) {
      assertArrayEquals(content(1), read(chain.chain()));
    }
    try (PinnedChain chain = restarted.pin(reopened, NEW).await()) {
      assertArrayEquals(content(2), read(chain.chain()));
    }
    restarted.stop();
    reopened.close();
  }
}
