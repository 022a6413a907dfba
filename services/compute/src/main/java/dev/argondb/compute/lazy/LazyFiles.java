package dev.argondb.compute.lazy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lazy files of one compute's data directory: each is a symbolic link in the data directory to a
 * {@link LazyFile} on the agent's {@link LazyMount}, backed by a sparse file in {@code backingDir} (on the data
 * directory's file system, so a complete file can be renamed into place). While Postgres runs they fill from
 * the pageserver on demand and by {@link #prefetchAll}; once Postgres has stopped, {@link #materialize} puts the
 * whole files where the links were, and the directory is an ordinary one again. Blocking; the agent's operations
 * on one endpoint run one at a time, and prefetching may run beside them.
 */
public final class LazyFiles {
  private static final Logger LOG = LoggerFactory.getLogger(LazyFiles.class);

  private final LazyMount mount;
  private final PageSource source;
  private final Path backingDir;
  private final List<Linked> files = new ArrayList<>();
  private volatile boolean closed;

  private record Linked(Path link, Path served, LazyFile file) {}

  /** {@code backingDir} is created; it must not exist (a leftover means a directory that was never finished). */
  public LazyFiles(LazyMount mount, PageSource source, Path backingDir) throws IOException {
    this.mount = mount;
    this.source = source;
    this.backingDir = backingDir;
    Files.createDirectory(backingDir);
  }

  /** Makes {@code link} (in the data directory) a lazy file of {@code size} bytes whose original is {@code path}. */
  public synchronized void add(String path, Path link, long size) throws IOException {
    LazyFile file = new LazyFile(path, size, source, backingDir.resolve(Integer.toString(files.size())),
        mount.stats());
    Path served = mount.add(file);
    files.add(new Linked(link, served, file));
    Files.createSymbolicLink(link, served);
  }

  public synchronized int count() {
    return files.size();
  }

  /** Bytes of the originals (what the pageserver holds of these files), over all files. */
  public long sourceBytes() {
    return snapshot().stream().mapToLong(LazyFile::sourceBytes).sum();
  }

  /** Whether the files were made whole or dropped: nothing fetches for them any more. */
  public boolean isClosed() {
    return closed;
  }

  /** Whether every original block of every file is local. */
  public boolean isComplete() {
    return snapshot().stream().allMatch(LazyFile::isComplete);
  }

  /** Bytes of original blocks that are local (fetched or written), over all files. */
  public long localBytes() {
    return snapshot().stream().mapToLong(LazyFile::localBytes).sum();
  }

  /** Fetches every block not local yet, a run at a time; stops early once {@link #discard}ed. */
  public void prefetchAll() throws IOException {
    for (LazyFile file : snapshot()) {
      while (!closed && file.fetchNext()) {
        // one run (up to 1 MiB) per call, so readers of the same file get the lock between runs
      }
    }
  }

  /**
   * After Postgres stopped: fetches what is still missing, then replaces each link that Postgres left in place
   * by its complete backing file. Files Postgres dropped (their link is gone) are just freed.
   */
  public void materialize() throws IOException {
    long begin = System.nanoTime();
    prefetchAll();
    closed = true; // a background prefetch still looping stops here
    int moved = 0;
    for (Linked linked : snapshotLinked()) {
      mount.remove(linked.served());
      if (Files.isSymbolicLink(linked.link()) && Files.readSymbolicLink(linked.link()).equals(linked.served())) {
        Files.move(linked.file().backingPath(), linked.link(), StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
        moved++;
      }
    }
    deleteBacking();
    Files.delete(backingDir); // the directory is whole: ComputeDirectory may reuse it
    LOG.info("Lazy files of {} made whole: {} file(s) in {} ms", backingDir.getParent(), moved,
        (System.nanoTime() - begin) / 1_000_000);
  }

  /**
   * Stops serving the files and deletes their backing files; the links (if any are left) dangle, and the empty
   * backing directory stays to say the data directory must not be reused.
   */
  public void discard() throws IOException {
    closed = true;
    for (Linked linked : snapshotLinked()) {
      mount.remove(linked.served());
    }
    deleteBacking();
  }

  private void deleteBacking() throws IOException {
    List<Linked> all;
    synchronized (this) {
      all = List.copyOf(files);
      files.clear();
    }
    for (Linked linked : all) {
      Files.deleteIfExists(linked.file().backingPath());
    }
  }

  private synchronized List<LazyFile> snapshot() {
    return files.stream().map(Linked::file).toList();
  }

  private synchronized List<Linked> snapshotLinked() {
    return List.copyOf(files);
  }
}
