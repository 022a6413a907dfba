package dev.argondb.pageserver.remote;

import dev.argondb.durable.DurableFiles;
import dev.argondb.pageserver.image.Image;
import dev.argondb.pageserver.image.ImageStore;
import dev.argondb.pgruntime.PgFiles;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;

/**
 * Where an image's files are, kept in its directory next to {@code image.json}: {@code remote.json} names its
 * uploaded layer (key, size, SHA-256) once the remote index lists it, and the {@link ImageStore#REMOTE_ONLY}
 * marker says its files are not on local disk. The marker is written (durably) before an eviction removes any
 * file and removed only after a download's files are all durable in place, so after a crash an image is either
 * complete on disk or remote only; {@link #removeLeftovers} deletes what a cut-short eviction or download left.
 * Blocking.
 */
final class ImageResidency {
  static final String REMOTE_COPY = "remote.json";
  private static final String DESCRIPTION = "image.json";
  /** The files that describe an image, as opposed to its data. */
  private static final Set<String> DESCRIBING = Set.of(DESCRIPTION, REMOTE_COPY, ImageStore.REMOTE_ONLY,
      DESCRIPTION + ".tmp", REMOTE_COPY + ".tmp", ImageStore.REMOTE_ONLY + ".tmp");

  /** An image's uploaded layer: its full key in remote storage, its size and SHA-256. */
  record RemoteCopy(String key, long size, String sha256) {
    JsonObject toJson() {
      return new JsonObject().put("key", key).put("size", size).put("sha256", sha256);
    }

    static RemoteCopy fromJson(JsonObject json) {
      return new RemoteCopy(json.getString("key"), json.getLong("size"), json.getString("sha256"));
    }
  }

  private ImageResidency() {}

  /** The image's uploaded layer, or null if it is not known to be uploaded. */
  static RemoteCopy remoteCopy(Path imageDir) throws IOException {
    Path file = imageDir.resolve(REMOTE_COPY);
    if (!Files.exists(file)) {
      return null;
    }
    return RemoteCopy.fromJson(new JsonObject(Files.readString(file, StandardCharsets.UTF_8)));
  }

  static void writeRemoteCopy(Path imageDir, RemoteCopy copy) throws IOException {
    DurableFiles.write(imageDir.resolve(REMOTE_COPY), copy.toJson().encode());
  }

  /** Durably marks the image remote only (before any of its files goes, or before its description is written). */
  static void markRemoteOnly(Path imageDir) throws IOException {
    DurableFiles.write(imageDir.resolve(ImageStore.REMOTE_ONLY), "");
  }

  /** For a remote-only image: deletes data files a cut-short eviction or download left next to the marker. */
  static void removeLeftovers(Image image) throws IOException {
    if (!ImageStore.isLocal(image)) {
      for (Path data : dataEntries(image.dir())) {
        PgFiles.deleteRecursively(data);
      }
    }
  }

  /**
   * Evicts a local image: marks it remote only, then moves its data out into {@code trash} (each a rename, so a
   * reader that scans it finds all of it or nothing) and deletes it there. Returns the bytes freed.
   */
  static long evict(Image image, Path trash) throws IOException {
    long bytes = ImageStore.bytesOnDisk(image);
    markRemoteOnly(image.dir());
    PgFiles.deleteRecursively(trash);
    Files.createDirectories(trash);
    for (Path data : dataEntries(image.dir())) {
      Files.move(data, trash.resolve(data.getFileName().toString()), StandardCopyOption.ATOMIC_MOVE);
    }
    DurableFiles.fsyncDirectory(image.dir());
    PgFiles.deleteRecursively(trash);
    return bytes - ImageStore.bytesOnDisk(image);
  }

  /**
   * Installs a downloaded image's unpacked files ({@code unpacked}, on the same file system): makes them durable,
   * renames each into the image's directory, then removes the remote-only marker.
   */
  static void install(Image image, Path unpacked) throws IOException {
    fsyncTree(unpacked);
    removeLeftovers(image);
    for (Path data : dataEntries(unpacked)) {
      Files.move(data, image.dir().resolve(data.getFileName().toString()), StandardCopyOption.ATOMIC_MOVE);
    }
    DurableFiles.fsyncDirectory(image.dir());
    Files.delete(image.dir().resolve(ImageStore.REMOTE_ONLY));
    DurableFiles.fsyncDirectory(image.dir());
  }

  private static List<Path> dataEntries(Path dir) throws IOException {
    try (var children = Files.list(dir)) {
      return children.filter(p -> !DESCRIBING.contains(p.getFileName().toString())).toList();
    }
  }

  private static void fsyncTree(Path root) throws IOException {
    List<Path> paths;
    try (var walk = Files.walk(root)) {
      paths = walk.toList();
    }
    for (Path path : paths) {
      try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
        ch.force(true);
      }
    }
  }
}
