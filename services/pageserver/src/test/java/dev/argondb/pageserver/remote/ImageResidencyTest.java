package dev.argondb.pageserver.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.argondb.pageserver.image.Image;
import dev.argondb.pageserver.image.ImageStore;
import dev.argondb.pgruntime.PgFiles;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An image's way between local disk and remote storage, with a real directory store: eviction leaves only its
 * description, a download brings every file back (size and SHA-256 checked first), a corrupt layer installs
 * nothing, and what a crash cut short is cleaned up.
 */
class ImageResidencyTest {
  private static final String KEY = "tenants/t/timelines/l/images/0000000001000028.tar";

  private Vertx vertx;
  private Path root;
  private PrometheusMeterRegistry registry;
  private RemoteStorage storage;
  private Image image;
  private byte[] pages;

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    root = Files.createTempDirectory("argon-residency-");
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    storage = RemoteStorages.open(vertx, new RemoteStorageConfig.Directory(root.resolve("remote")),
        new RemoteMetrics(registry)).await();
    // A delta image's layout: manifest, pages, whole files; its description.
    Path dir = root.resolve("images").resolve("0000000001000028");
    Files.createDirectories(dir.resolve("files/global"));
    pages = new byte[3 * 8192];
    new Random(7).nextBytes(pages);
    Files.write(dir.resolve("pages"), pages);
    Files.writeString(dir.resolve("manifest"), "manifest bytes");
    Files.writeString(dir.resolve("files/global/pg_filenode.map"), "map");
    Files.writeString(dir.resolve("image.json"), "{\"lsn\":16777256}");
    image = new Image(dir, 0x1000028L, 0x1000000L, 0x1000000L, false, new Image.Base("l", 0x28L));
    Path tar = root.resolve("layer.tar");
    LayerFiles.tar(dir, tar, "image.json");
    storage.put(KEY, tar).await();
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await();
    PgFiles.deleteRecursively(root);
  }

  private ImageResidency.RemoteCopy copy() throws Exception {
    Path tar = root.resolve("layer.tar");
    return new ImageResidency.RemoteCopy(KEY, Files.size(tar), LayerFiles.sha256(tar));
  }

  private LayerDownloader downloader() {
    return new LayerDownloader(vertx, storage, new RemoteMetrics(registry), new CacheMetrics(registry),
        root.resolve("downloads"));
  }

  private List<String> entries() throws Exception {
    try (var children = Files.list(image.dir())) {
      return children.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void anEvictedImageKeepsItsDescriptionAndIsDownloadedAgainWhole() throws Exception {
    long before = ImageStore.bytesOnDisk(image);
    long freed = ImageResidency.evict(image, root.resolve("trash"));
    assertEquals(before - ImageStore.bytesOnDisk(image), freed);
    assertTrue(freed >= pages.length);
    assertFalse(ImageStore.isLocal(image));
    assertEquals(List.of("image.json", ImageStore.REMOTE_ONLY), entries());
    assertThrows(java.io.IOException.class, () -> new ImageStore(image.dir().getParent()).manifest(image),
        "a remote-only image's files are not read");

    long bytes = downloader().download(image, copy()).await();
    assertTrue(ImageStore.isLocal(image));
    assertEquals(List.of("files", "image.json", "manifest", "pages"), entries());
    assertArrayEquals(pages, Files.readAllBytes(image.dir().resolve("pages")));
    assertEquals("map", Files.readString(image.dir().resolve("files/global/pg_filenode.map")));
    assertEquals(ImageStore.bytesOnDisk(image), bytes);
    assertEquals(copy().size(), registry.get("argon_pageserver_remote_downloaded_bytes_total").tag("kind", "image")
        .counter().count());
    assertEquals(1, registry.get("argon_pageserver_layer_cache_download_seconds").timer().count());
    assertFalse(Files.exists(root.resolve("downloads").resolve("layer-1.tar")), "the download is cleaned up");
  }

  @Test
  void aCorruptLayerIsRefusedNamingItAndNothingIsInstalled() throws Exception {
    ImageResidency.RemoteCopy copy = copy();
    ImageResidency.evict(image, root.resolve("trash"));
    Path remote = root.resolve("remote").resolve(KEY);
    try (RandomAccessFile file = new RandomAccessFile(remote.toFile(), "rw")) {
      file.seek(1024);
      int b = file.read();
      file.seek(1024);
      file.write(b ^ 0x01);
    }
    Exception refused = assertThrows(Exception.class, () -> downloader().download(image, copy).await());
    assertTrue(refused.getMessage().contains(KEY) && refused.getMessage().contains("corrupt")
        && refused.getMessage().contains(copy.sha256()), refused.getMessage());
    assertFalse(ImageStore.isLocal(image));
    assertEquals(List.of("image.json", ImageStore.REMOTE_ONLY), entries(), "nothing installed");
    assertEquals(1, registry.get("argon_pageserver_layer_cache_download_errors_total").counter().count());
    try (var left = Files.list(root.resolve("downloads"))) {
      assertEquals(0, left.count(), "the refused download is deleted");
    }
  }

  @Test
  void whatACutShortEvictionLeftIsRemovedAndTheImageIsRemoteOnly() throws Exception {
    // A crash after the marker was written and while the data was being moved out.
    ImageResidency.markRemoteOnly(image.dir());
    ImageResidency.writeRemoteCopy(image.dir(), copy());
    ImageResidency.removeLeftovers(image);
    assertEquals(List.of("image.json", ImageStore.REMOTE_ONLY, ImageResidency.REMOTE_COPY), entries());
    assertEquals(copy(), ImageResidency.remoteCopy(image.dir()));
    downloader().download(image, copy()).await();
    assertArrayEquals(pages, Files.readAllBytes(image.dir().resolve("pages")));
    assertEquals(List.of("files", "image.json", "manifest", "pages", ImageResidency.REMOTE_COPY), entries());
  }
}
