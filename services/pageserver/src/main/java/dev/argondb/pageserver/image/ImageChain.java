package dev.argondb.pageserver.image;

import dev.argondb.bus.BusErrors;
import dev.argondb.pageserver.PageserverException;
import dev.argondb.pageserver.timeline.Timeline;
import dev.argondb.pgformat.Lsn;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An image and the images it is a delta on, newest first, down to a full image: together they give the
 * data directory at the newest image's LSN. A page is read from the newest image that stores it; an image
 * stores every page of a relation file that changed since its base or lies beyond the base's size of that
 * file (so dropped and re-created or truncated and re-grown files read right), and every other file whole.
 * Blocking; immutable.
 */
public final class ImageChain {
  private final String owner;
  private final List<Image> layers;
  private final List<ImageManifest> manifests;

  private ImageChain(String owner, List<Image> layers, List<ImageManifest> manifests) {
    this.owner = owner;
    this.layers = List.copyOf(layers);
    this.manifests = List.copyOf(manifests);
  }

  /** A chain from its images, newest first, ending in a full image; the newest belongs to timeline {@code owner}. */
  public static ImageChain of(String owner, List<Image> newestFirst) throws IOException {
    List<ImageManifest> manifests = new ArrayList<>();
    for (Image image : newestFirst) {
      manifests.add(ImageManifest.of(image));
    }
    return of(owner, newestFirst, manifests);
  }

  private static ImageChain of(String owner, List<Image> newestFirst, List<ImageManifest> manifests)
      throws IOException {
    if (newestFirst.isEmpty() || !newestFirst.get(newestFirst.size() - 1).isFull()) {
      throw new IOException("an image chain must end in a full image: " + newestFirst);
    }
    return new ImageChain(owner, newestFirst, manifests);
  }

  /** An image of a chain and the timeline that holds it. */
  public record Located(Timeline timeline, Image image) {}

  /**
   * The newest image at or below {@code lsn} seen from {@code timeline} (its own, else its ancestors' up to
   * the branch points) with the images it is based on.
   */
  public static ImageChain seenFrom(Timeline timeline, long lsn) throws IOException {
    return of(locate(timeline, lsn));
  }

  /**
   * The images {@link #seenFrom} would read, newest first, from their descriptions only (no file of theirs is
   * read: they may be in remote storage only).
   */
  public static List<Located> locate(Timeline timeline, long lsn) throws IOException {
    long limit = lsn;
    for (Timeline t = timeline; t != null; t = t.ancestor()) {
      var image = t.images().latestAtOrBelow(limit);
      if (image.isPresent()) {
        return following(t, image.get());
      }
      if (Lsn.compare(t.startLsn(), limit) < 0) {
        limit = t.startLsn();
      }
    }
    throw new PageserverException(BusErrors.INTERNAL, "no image at or below " + Lsn.format(lsn)
        + " for timeline " + timeline.tenantId() + "/" + timeline.timelineId());
  }

  /** The chain of located images (newest first, as {@link #locate} gives them): reads their manifests. */
  public static ImageChain of(List<Located> newestFirst) throws IOException {
    List<Image> layers = new ArrayList<>();
    List<ImageManifest> manifests = new ArrayList<>();
    for (Located located : newestFirst) {
      layers.add(located.image());
      manifests.add(located.timeline().images().manifest(located.image()));
    }
    return of(newestFirst.get(0).timeline().timelineId(), layers, manifests);
  }

  /** {@code image} of {@code owner} and its bases, found on {@code owner} or its ancestors. */
  private static List<Located> following(Timeline owner, Image image) throws IOException {
    List<Located> layers = new ArrayList<>();
    Timeline t = owner;
    Image current = image;
    layers.add(new Located(t, current));
    while (!current.isFull()) {
      Image.Base base = current.base();
      while (t != null && !t.timelineId().equals(base.timelineId())) {
        t = t.ancestor();
      }
      if (t == null) {
        throw new IOException("image " + current.dir() + " is based on timeline " + base.timelineId()
            + ", which is not an ancestor of " + owner.timelineId());
      }
      current = t.images().at(base.lsn()).orElseThrow(() -> new IOException("image " + Lsn.format(base.lsn())
          + " of timeline " + base.timelineId() + " is missing, but a newer image is based on it"));
      layers.add(new Located(t, current));
    }
    return layers;
  }

  public Image newest() {
    return layers.get(0);
  }

  /** The timeline the newest image belongs to (a branch reads through its ancestor's images). */
  public String owner() {
    return owner;
  }

  public List<Image> layers() {
    return layers;
  }

  /** The data directory's directories at the newest image's LSN. */
  public List<String> directories() {
    return manifests.get(0).directories();
  }

  /** The data directory's files at the newest image's LSN. */
  public Collection<ImageManifest.Entry> files() {
    return manifests.get(0).files();
  }

  public ImageManifest.Entry file(String path) {
    return manifests.get(0).file(path);
  }

  /** The sum of the files' sizes: what a full copy of this version would take. */
  public long materializedBytes() {
    return files().stream().mapToLong(ImageManifest.Entry::size).sum();
  }

  public Reader reader() {
    return new Reader();
  }

  /**
   * Writes the data directory into {@code target} (which must not exist), giving every file the
   * modification time {@code mtime}: a file whose time differs afterwards was written to since.
   */
  public void materialize(Path target, FileTime mtime) throws IOException {
    if (Files.exists(target)) {
      throw new IOException(target + " exists already");
    }
    var dirMode = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
    var fileMode = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    Files.createDirectories(target.getParent());
    Files.createDirectory(target, dirMode);
    for (String dir : directories()) {
      Files.createDirectory(target.resolve(dir), dirMode);
    }
    ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
    try (Reader reader = reader()) {
      for (ImageManifest.Entry entry : files()) {
        Path file = target.resolve(entry.path());
        try (FileChannel out = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
            fileMode)) {
          for (long offset = 0; offset < entry.size(); ) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), entry.size() - offset));
            reader.read(entry.path(), offset, buffer);
            buffer.flip();
            while (buffer.hasRemaining()) {
              offset += out.write(buffer, offset);
            }
          }
        }
        Files.setLastModifiedTime(file, mtime);
      }
    }
  }

  /**
   * Reads files of the chain, keeping the last {@link #MAX_OPEN} files it opened open until closed (a full
   * image has a file per relation fork: all of them open at once could exceed the process's limit).
   * Not thread-safe.
   */
  public final class Reader implements AutoCloseable {
    private static final int MAX_OPEN = 64;
    private final Map<Path, FileChannel> open = new LinkedHashMap<>(MAX_OPEN * 2, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Path, FileChannel> eldest) {
        if (size() <= MAX_OPEN) {
          return false;
        }
        try {
          eldest.getValue().close();
        } catch (IOException ignored) {
          // a read-only channel: nothing was written that closing could lose
        }
        return true;
      }
    };

    /** Fills {@code target} (position to limit) with the bytes of {@code path} at {@code offset}. */
    public void read(String path, long offset, ByteBuffer target) throws IOException {
      ImageManifest.Entry entry = file(path);
      if (entry == null) {
        throw new IOException("no file " + path + " in image " + newest().dir());
      }
      if (offset + target.remaining() > entry.size()) {
        throw new IOException("reading " + path + " past its size " + entry.size());
      }
      if (!entry.relation()) {
        readFully(wholeFile(0, path), offset, target);
        return;
      }
      long at = offset;
      while (target.hasRemaining()) {
        int block = (int) (at / DataDirFiles.PAGE_SIZE);
        int inBlock = (int) (at % DataDirFiles.PAGE_SIZE);
        int n = Math.min(target.remaining(), DataDirFiles.PAGE_SIZE - inBlock);
        ByteBuffer part = target.slice(target.position(), n);
        readBlockPart(path, block, inBlock, part);
        target.position(target.position() + n);
        at += n;
      }
    }

    /** The whole content of a (small) file. */
    public byte[] readAll(String path) throws IOException {
      ImageManifest.Entry entry = file(path);
      if (entry == null) {
        throw new IOException("no file " + path + " in image " + newest().dir());
      }
      ByteBuffer bytes = ByteBuffer.allocate(Math.toIntExact(entry.size()));
      read(path, 0, bytes);
      return bytes.array();
    }

    private void readBlockPart(String path, int block, int inBlock, ByteBuffer part) throws IOException {
      for (int i = 0; i < layers.size(); i++) {
        Image layer = layers.get(i);
        ImageManifest.Entry entry = manifests.get(i).file(path);
        long blockStart = (long) block * DataDirFiles.PAGE_SIZE;
        if (entry == null || blockStart >= entry.size()) {
          break; // a newer image should have stored this page: the chain is inconsistent
        }
        if (layer.isFull() || !entry.relation()) {
          readFully(wholeFile(i, path), blockStart + inBlock, part);
          return;
        }
        Integer slot = entry.slots().get(block);
        if (slot != null) {
          readFully(layer.dir().resolve(ImageManifest.PAGES), (long) slot * DataDirFiles.PAGE_SIZE + inBlock, part);
          return;
        }
      }
      throw new IOException("block " + block + " of " + path + " is in no image of the chain at "
          + Lsn.format(newest().lsn()));
    }

    private Path wholeFile(int layer, String path) {
      Image image = layers.get(layer);
      return image.isFull() ? image.dataDir().resolve(path) : image.dir().resolve(ImageManifest.WHOLE_FILES).resolve(path);
    }

    private void readFully(Path file, long position, ByteBuffer target) throws IOException {
      FileChannel ch = open.get(file);
      if (ch == null) {
        ch = FileChannel.open(file, StandardOpenOption.READ);
        open.put(file, ch);
      }
      long pos = position;
      while (target.hasRemaining()) {
        int got = ch.read(target, pos);
        if (got < 0) {
          throw new IOException(file + " is shorter than its image says");
        }
        pos += got;
      }
    }

    @Override
    public void close() throws IOException {
      for (FileChannel ch : open.values()) {
        ch.close();
      }
      open.clear();
    }
  }
}
