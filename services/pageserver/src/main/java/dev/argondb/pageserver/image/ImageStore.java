package dev.argondb.pageserver.image;

import dev.argondb.durable.DurableFiles;
import dev.argondb.pgformat.CheckpointRecordEnd;
import dev.argondb.pgformat.ControlFile;
import dev.argondb.pgformat.DbState;
import dev.argondb.pgformat.Lsn;
import dev.argondb.pgruntime.PgFiles;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The images of one timeline, each in {@code images/<lsn>/} with its description written last, so a
 * half-made image (a crash while adding) is never listed; {@link #removeUnfinished()} deletes such leftovers.
 * An image may be <em>remote only</em> (its {@link #REMOTE_ONLY} marker present: a lazily rebuilt or evicted
 * image whose files are in remote storage only); its description stays, its files are fetched before reading.
 * Blocking; images are immutable once added.
 */
public final class ImageStore {
  /** Marker file of an image whose files are not on local disk (the layer cache fetches them on demand). */
  public static final String REMOTE_ONLY = "remote-only";
  private final Path dir;
  private volatile List<Image> images = List.of();
  /** Manifests read so far, by image LSN (images never change once added; a re-created timeline has a new store). */
  private final Map<Long, ImageManifest> manifests = new ConcurrentHashMap<>();

  public ImageStore(Path dir) {
    this.dir = dir;
  }

  /** Reads the complete images from disk. */
  public void load() throws IOException {
    List<Image> found = new ArrayList<>();
    if (Files.isDirectory(dir)) {
      try (var children = Files.list(dir)) {
        for (Path imageDir : children.toList()) {
          Path description = imageDir.resolve(Image.DESCRIPTION);
          if (Files.exists(description)) {
            found.add(Image.fromJson(imageDir, new JsonObject(Files.readString(description, StandardCharsets.UTF_8))));
          }
        }
      }
    }
    found.sort(Comparator.comparingLong(Image::lsn));
    images = List.copyOf(found);
  }

  public List<Image> all() {
    return images;
  }

  /** The manifest of one of this store's images, read once; refused for an image in remote storage only. */
  public ImageManifest manifest(Image image) throws IOException {
    ImageManifest manifest = manifests.get(image.lsn());
    if (manifest == null) {
      if (!isLocal(image)) {
        throw new IOException("image " + Lsn.format(image.lsn()) + " (" + image.dir() + ") is in remote storage only:"
            + " its files must be downloaded first");
      }
      manifest = ImageManifest.of(image);
      manifests.put(image.lsn(), manifest);
    }
    return manifest;
  }

  /** The image at exactly {@code lsn}. */
  public Optional<Image> at(long lsn) {
    return images.stream().filter(image -> image.lsn() == lsn).findFirst();
  }

  /** The newest image whose LSN is at or below {@code lsn}. */
  public Optional<Image> latestAtOrBelow(long lsn) {
    Image best = null;
    for (Image image : images) {
      if (Lsn.compare(image.lsn(), lsn) <= 0) {
        best = image;
      }
    }
    return Optional.ofNullable(best);
  }

  /**
   * Moves a stopped data directory in as an image; its LSN is read from its pg_control (and, for a clean
   * shutdown, from its checkpoint record in its own pg_wal).
   */
  public Image add(Path stoppedDataDir) throws IOException {
    ControlFile control = CheckpointRecordEnd.controlFile(stoppedDataDir);
    boolean clean = control.state() == DbState.SHUTDOWNED;
    if (!clean && control.state() != DbState.SHUTDOWNED_IN_RECOVERY) {
      throw new IOException("not a stopped data directory (pg_control state " + control.state() + "): "
          + stoppedDataDir);
    }
    long lsn = clean ? CheckpointRecordEnd.of(stoppedDataDir) : control.minRecoveryPoint();
    Path imageDir = directoryFor(lsn);
    if (Files.exists(imageDir)) {
      throw new IOException("an image at " + Lsn.format(lsn) + " exists already");
    }
    Files.createDirectories(imageDir);
    Files.move(stoppedDataDir, imageDir.resolve(Image.DATA), StandardCopyOption.ATOMIC_MOVE);
    Image image = new Image(imageDir, lsn, control.checkPoint(), control.redo(), clean, null);
    DurableFiles.write(imageDir.resolve(Image.DESCRIPTION), image.toJson().encode());
    load();
    return image;
  }

  /**
   * A fresh directory for a new image at {@code lsn}, to be filled and then {@link #publish published};
   * an unfinished one left there before is deleted. Refused if an image at {@code lsn} exists.
   */
  public Path prepare(long lsn) throws IOException {
    Path imageDir = directoryFor(lsn);
    if (Files.exists(imageDir.resolve(Image.DESCRIPTION))) {
      throw new IOException("an image at " + Lsn.format(lsn) + " exists already");
    }
    PgFiles.deleteRecursively(imageDir);
    Files.createDirectories(imageDir);
    DurableFiles.fsyncDirectory(dir);
    return imageDir;
  }

  /** Lists a filled image directory: writes its description, last and durably. */
  public Image publish(Image image) throws IOException {
    if (!image.dir().equals(directoryFor(image.lsn()))) {
      throw new IOException("image " + image.dir() + " is not this store's directory for " + Lsn.format(image.lsn()));
    }
    DurableFiles.write(image.dir().resolve(Image.DESCRIPTION), image.toJson().encode());
    load();
    return image;
  }

  /**
   * Deletes an image (GC): unlisted first (its description goes, so a crash leaves an unfinished directory that
   * {@link #removeUnfinished()} deletes), then its files. Returns the bytes freed.
   */
  public long remove(Image image) throws IOException {
    Path imageDir = directoryFor(image.lsn());
    if (!Files.exists(imageDir.resolve(Image.DESCRIPTION))) {
      return 0;
    }
    long bytes = bytesOnDisk(image);
    Files.delete(imageDir.resolve(Image.DESCRIPTION));
    DurableFiles.fsyncDirectory(imageDir);
    manifests.remove(image.lsn());
    load();
    PgFiles.deleteRecursively(imageDir);
    return bytes;
  }

  /** Deletes image directories without a description (a run or a creation that did not finish). */
  public void removeUnfinished() throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (var children = Files.list(dir)) {
      for (Path imageDir : children.toList()) {
        if (!Files.exists(imageDir.resolve(Image.DESCRIPTION))) {
          PgFiles.deleteRecursively(imageDir);
        }
      }
    }
  }

  /** Whether the image's files are on local disk (not marked {@link #REMOTE_ONLY}). */
  public static boolean isLocal(Image image) {
    return !Files.exists(image.dir().resolve(REMOTE_ONLY));
  }

  /** Bytes the files of one image take on disk. */
  public static long bytesOnDisk(Image image) throws IOException {
    try (var walk = Files.walk(image.dir())) {
      long sum = 0;
      for (Path p : walk.toList()) {
        if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          sum += Files.size(p);
        }
      }
      return sum;
    }
  }

  private Path directoryFor(long lsn) {
    return dir.resolve(String.format("%016X", lsn));
  }
}
