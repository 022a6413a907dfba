package dev.argondb.pageserver.remote;

import dev.argondb.pageserver.image.Image;
import dev.argondb.pageserver.image.ImageStore;
import dev.argondb.pgformat.Lsn;
import dev.argondb.pgruntime.PgFiles;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches one remote-only image's layer: downloads the tar into a work directory, checks its size and SHA-256
 * against the remote index's (a mismatch fails naming the layer, and nothing is installed), unpacks it next to
 * the tar, and installs it into the image's directory ({@link ImageResidency#install}). Completes with the
 * image's bytes on disk.
 */
final class LayerDownloader {
  private static final Logger LOG = LoggerFactory.getLogger(LayerDownloader.class);

  private final Vertx vertx;
  private final RemoteStorage storage;
  private final RemoteMetrics remoteMetrics;
  private final CacheMetrics metrics;
  /** Downloads and unpacked trees; on the data directory's file system so that installing is a rename. */
  private final Path work;
  private final AtomicLong sequence = new AtomicLong();

  LayerDownloader(Vertx vertx, RemoteStorage storage, RemoteMetrics remoteMetrics, CacheMetrics metrics, Path work) {
    this.vertx = vertx;
    this.storage = storage;
    this.remoteMetrics = remoteMetrics;
    this.metrics = metrics;
    this.work = work;
  }

  Future<Long> download(Image image, ImageResidency.RemoteCopy copy) {
    long begin = System.nanoTime();
    Path tar = work.resolve("layer-" + sequence.incrementAndGet() + ".tar");
    Path unpacked = work.resolve(tar.getFileName() + ".d");
    return vertx.executeBlocking(() -> Files.createDirectories(work), false)
        .compose(dir -> storage.get(copy.key(), tar))
        .compose(got -> vertx.executeBlocking(() -> {
          verify(copy, tar);
          LayerFiles.untar(tar, unpacked, "image.json"); // the description is on disk already
          ImageResidency.install(image, unpacked);
          return ImageStore.bytesOnDisk(image);
        }, false))
        .eventually(() -> vertx.executeBlocking(() -> {
          Files.deleteIfExists(tar);
          PgFiles.deleteRecursively(unpacked);
          return null;
        }, false))
        .onSuccess(bytes -> {
          long nanos = System.nanoTime() - begin;
          remoteMetrics.downloaded(LayerKind.IMAGE, copy.size());
          metrics.downloaded(nanos);
          LOG.info("Downloaded image layer {} on demand: {} KB in {} ms ({} MB/s), {} KB on disk", copy.key(),
              copy.size() / 1024, nanos / 1_000_000,
              String.format("%.1f", copy.size() / 1048576.0 / Math.max(nanos / 1e9, 1e-6)), bytes / 1024);
        })
        .onFailure(failure -> {
          metrics.downloadFailed();
          LOG.error("Downloading image layer {} (image {} in {}) failed: {}", copy.key(), Lsn.format(image.lsn()),
              image.dir(), failure.getMessage());
        });
  }

  /** Refuses a download whose size or SHA-256 differs from what the remote index says. */
  static void verify(ImageResidency.RemoteCopy copy, Path file) throws IOException {
    long size = Files.size(file);
    String sha = LayerFiles.sha256(file);
    if (size != copy.size() || !sha.equals(copy.sha256())) {
      throw new IOException("image layer " + copy.key() + " is corrupt: expected " + copy.size()
          + " bytes with SHA-256 " + copy.sha256() + ", downloaded " + size + " bytes with " + sha
          + "; not installed");
    }
  }
}
