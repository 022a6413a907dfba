package dev.argondb.compute.lazy;

import com.sun.security.auth.module.UnixSystem;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's mount of {@link LazyFileSystem} in a fresh directory (under the system's temporary directory, so
 * nothing that deletes data directories ever walks into it). Mounting needs /dev/fuse and libfuse 2 (Debian
 * package libfuse2); as root it mounts directly, otherwise through fusermount. Where it cannot be mounted,
 * {@link #tryMount} says why and computes start from whole basebackups. Blocking.
 */
public final class LazyMount implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(LazyMount.class);
  /**
   * kernel_cache: keep pages in the kernel's page cache across opens (each Postgres backend opens the file
   * anew; only the kernel changes a file, so the cache is never stale). big_writes/max_write: Postgres flushes
   * many pages at a time. default_permissions: the kernel checks the 0600 mode (Postgres's own user only).
   */
  /** The name /proc/mounts shows for these mounts (how abandoned ones are found). */
  private static final String FS_NAME = "argon-lazy";
  private static final String[] OPTIONS = {"-o", "kernel_cache,big_writes,max_write=131072,max_read=131072,"
      + "default_permissions,fsname=" + FS_NAME + ",subtype=argon"};

  private static final long MOUNT_WAIT_NANOS = 5_000_000_000L;

  private final LazyFileSystem fs;
  private final Path mountPoint;
  private final LazyStats stats = new LazyStats();
  private final AtomicLong nextName = new AtomicLong();

  private LazyMount(LazyFileSystem fs, Path mountPoint) {
    this.fs = fs;
    this.mountPoint = mountPoint;
  }

  /** Mounts, or fails with the reason (no /dev/fuse, no libfuse 2, not permitted). */
  public static LazyMount mount() throws IOException {
    if (!Files.exists(Path.of("/dev/fuse"))) {
      throw new IOException("/dev/fuse does not exist");
    }
    unmountAbandoned();
    UnixSystem user = new UnixSystem();
    LazyFileSystem fs = new LazyFileSystem(user.getUid(), user.getGid());
    Path mountPoint = Files.createTempDirectory("argon-lazy-");
    LazyMount mount = new LazyMount(fs, mountPoint);
    try {
      fs.mount(mountPoint, false, false, OPTIONS); // returns before the kernel has mounted it
    } catch (RuntimeException | UnsatisfiedLinkError e) {
      Files.deleteIfExists(mountPoint);
      throw new IOException("cannot mount a FUSE file system at " + mountPoint + ": " + e.getMessage(), e);
    }
    if (!mount.awaitMounted(true)) {
      mount.close();
      throw new IOException("the FUSE file system at " + mountPoint + " was not mounted within "
          + MOUNT_WAIT_NANOS / 1_000_000_000 + " s");
    }
    LOG.info("Lazy relation files are served at {}", mountPoint);
    return mount;
  }

  /**
   * Unmounts lazy file systems whose agent died without unmounting (killed): their mount point answers
   * "Transport endpoint is not connected". Live ones (other agents on this host) are left alone.
   */
  private static void unmountAbandoned() {
    List<Path> abandoned;
    try {
      abandoned = lazyMountPoints().stream().filter(LazyMount::isDisconnected).toList();
    } catch (IOException unreadable) {
      return;
    }
    for (Path point : abandoned) {
      try {
        Process umount = new ProcessBuilder("fusermount", "-u", "-z", point.toString())
            .redirectErrorStream(true).start();
        String output = new String(umount.getInputStream().readAllBytes()).trim();
        if (umount.waitFor() == 0) {
          Files.deleteIfExists(point);
          LOG.info("Unmounted {}, left by an agent that was killed", point);
        } else {
          LOG.warn("Could not unmount {}, left by an agent that was killed: {}", point, output);
        }
      } catch (IOException e) {
        LOG.warn("Could not unmount {}: {}", point, e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static boolean isDisconnected(Path point) {
    try {
      Files.readAttributes(point, java.nio.file.attribute.BasicFileAttributes.class);
      return false;
    } catch (java.nio.file.FileSystemException e) {
      return String.valueOf(e.getReason()).contains("not connected");
    } catch (IOException e) {
      return false;
    }
  }

  public Path mountPoint() {
    return mountPoint;
  }

  public LazyStats stats() {
    return stats;
  }

  public int fileCount() {
    return fs.fileCount();
  }

  /**
   * Serves {@code file} (made with this mount's {@link #stats()}) under a new name; returns its path in the
   * mount, for a data directory to link to.
   */
  public Path add(LazyFile file) {
    String name = Long.toString(nextName.incrementAndGet());
    fs.add(name, file);
    return mountPoint.resolve(name);
  }

  /** Stops serving the file at {@code path} (from {@link #add}) and closes it; null-safe for unknown paths. */
  public void remove(Path path) throws IOException {
    LazyFile file = fs.remove(path.getFileName().toString());
    if (file != null) {
      file.close();
    }
  }

  /** Unmounts (lazily: a process with a file open keeps it until it closes it) and removes the mount point. */
  @Override
  public void close() throws IOException {
    fs.umount(); // starts fusermount -u -z without waiting for it
    if (!awaitMounted(false)) {
      LOG.warn("{} is still mounted; leaving it", mountPoint);
      return;
    }
    Files.deleteIfExists(mountPoint);
  }

  /** Waits until the mount point is mounted (or not); false if it still is not (or is) after the wait. */
  private boolean awaitMounted(boolean mounted) throws IOException {
    long deadline = System.nanoTime() + MOUNT_WAIT_NANOS;
    while (isMounted() != mounted) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  private boolean isMounted() throws IOException {
    return lazyMountPoints().contains(mountPoint.toAbsolutePath());
  }

  /** Where lazy file systems (this agent's and any other's on the host) are mounted, from /proc/self/mounts. */
  private static List<Path> lazyMountPoints() throws IOException {
    try (var lines = Files.lines(Path.of("/proc/self/mounts"))) {
      return lines.map(line -> line.split(" "))
          .filter(fields -> fields.length > 2 && fields[0].equals(FS_NAME))
          .map(fields -> Path.of(fields[1].replace("\\040", " "))) // the kernel escapes a space as \040
          .toList();
    }
  }
}
