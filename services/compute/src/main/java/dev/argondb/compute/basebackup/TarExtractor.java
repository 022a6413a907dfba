package dev.argondb.compute.basebackup;

import dev.argondb.bus.grpc.LazyBasebackup;
import dev.argondb.pgformat.WalSegments;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Unpacks a basebackup tar into a fresh data directory with the permissions Postgres insists on (0700
 * directories, 0600 files, given at creation so no chmod follows); refuses entries that would escape the
 * directory, links and devices, and entries named twice. Each file is written with one open, one write per
 * {@link #WRITE_BYTES} and one close; large relation files with O_DIRECT ({@link DirectWrites}). A pg_wal segment shorter than 16 MB (the last one of a basebackup ends
 * at the WAL page holding its LSN: pageserver.proto) is extended with zeros to its full size, sparse.
 *
 * <p>Nothing is fsynced, on purpose. A start that fails half-way is redone into a fresh directory, so
 * durability matters only once Postgres runs on it; and the pageserver sends pg_control in state "in
 * production", for which Postgres's StartupXLOG calls SyncDataDirectory (fsync of every file and directory,
 * or syncfs, by recovery_init_sync_method) before it replays a byte. Postgres thus syncs everything this
 * writes before relying on it, and fsyncing here too would only double the cost of a cold start. Blocking.
 */
public final class TarExtractor {
  /** Bytes taken from the tar per write: a typical relation file of a small database is one write. */
  static final int WRITE_BYTES = 1 << 20;
  private static final FileAttribute<Set<PosixFilePermission>> DIRECTORY_MODE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
  private static final FileAttribute<Set<PosixFilePermission>> FILE_MODE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
  private static final Set<StandardOpenOption> NEW_FILE = Set.of(StandardOpenOption.CREATE_NEW,
      StandardOpenOption.WRITE);
  private static final String WAL_DIR = "pg_wal";

  private TarExtractor() {}

  /** Unpacks a tar file. */
  public static void extract(Path tar, Path dataDir) throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(tar), 1 << 16)) {
      extract(in, dataDir);
    }
  }

  /** Where the files a lazy basebackup sends without their bytes go (pageserver.proto, lazy_min_bytes). */
  @FunctionalInterface
  public interface LazyEntries {
    /** Makes {@code target} (not existing yet) the file {@code name} of {@code size} bytes, read on demand. */
    void add(String name, Path target, long size) throws IOException;
  }

  /**
   * Unpacks the tar read from {@code in} (up to its end-of-archive blocks; what follows is left unread) into
   * {@code dataDir}, which is created if missing. A lazy entry is refused.
   */
  public static void extract(InputStream in, Path dataDir) throws IOException {
    extract(in, dataDir, null);
  }

  /** As {@link #extract(InputStream, Path)}; lazy entries go to {@code lazy} (null: refused). */
  public static void extract(InputStream in, Path dataDir, LazyEntries lazy) throws IOException {
    Path root = dataDir.toAbsolutePath().normalize();
    Set<Path> directories = new HashSet<>();
    createDirectory(root, directories);
    byte[] buffer = new byte[WRITE_BYTES];
    DirectWrites direct = new DirectWrites(WRITE_BYTES);
    TarArchiveInputStream entries = new TarArchiveInputStream(in);
    TarArchiveEntry entry;
    while ((entry = entries.getNextEntry()) != null) {
      Path target = root.resolve(entry.getName()).normalize();
      if (!target.startsWith(root) || target.equals(root)) {
        throw new IOException("basebackup entry outside the data directory: " + entry.getName());
      }
      if (entry.isDirectory()) {
        createDirectory(target, directories);
      } else if (entry.isFile() && !entry.isLink()) {
        Path parent = target.getParent();
        if (!directories.contains(parent)) {
          createDirectory(parent, directories);
        }
        String name = root.relativize(target).toString();
        String lazySize = entry.getExtraPaxHeader(LazyBasebackup.SIZE_HEADER);
        if (lazySize == null) {
          writeFile(entries, entry, target, name, buffer, direct);
        } else if (lazy == null || entry.getSize() != 0) {
          throw new IOException("basebackup entry " + name + " is lazy (" + lazySize + " bytes), but "
              + (lazy == null ? "no lazy files were asked for" : "it has bytes of its own"));
        } else {
          lazy.add(name, target, parseSize(lazySize, name));
        }
      } else {
        throw new IOException("basebackup entry is neither a file nor a directory: " + entry.getName());
      }
    }
  }

  private static void createDirectory(Path dir, Set<Path> directories) throws IOException {
    if (directories.contains(dir)) {
      return;
    }
    Path parent = dir.getParent();
    if (parent != null && !directories.contains(parent) && !Files.isDirectory(parent)) {
      createDirectory(parent, directories);
    }
    try {
      Files.createDirectory(dir, DIRECTORY_MODE);
    } catch (FileAlreadyExistsException exists) {
      if (!Files.isDirectory(dir)) {
        throw exists;
      }
    }
    directories.add(dir);
  }

  private static void writeFile(InputStream tar, TarArchiveEntry entry, Path target, String name, byte[] buffer,
                                DirectWrites direct) throws IOException {
    long size = entry.getSize();
    boolean walSegment = isWalSegment(name);
    if (walSegment && size > WalSegments.SEGMENT_SIZE) {
      throw new IOException("basebackup WAL segment " + name + " has " + size + " bytes, more than a segment");
    }
    // WAL is read back at once by recovery: it stays in the page cache.
    if (!walSegment && direct.suits(size)) {
      try (FileChannel file = create(target, direct)) {
        if (file != null) {
          for (long left = size; left > 0; ) {
            int n = readFully(tar, buffer, (int) Math.min(buffer.length, left), name);
            direct.write(file, buffer, n);
            left -= n;
          }
          return;
        }
      }
    }
    try (FileChannel file = openNew(target)) {
      long left = size;
      while (left > 0) {
        int n = readFully(tar, buffer, (int) Math.min(buffer.length, left), name);
        ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, n);
        while (bytes.hasRemaining()) {
          file.write(bytes);
        }
        left -= n;
      }
      if (walSegment && size < WalSegments.SEGMENT_SIZE) {
        // One zero byte at the end makes the file its full size without writing the zeros before it (sparse);
        // the same as RandomAccessFile.setLength, without opening the file again.
        file.write(ByteBuffer.allocate(1), WalSegments.SEGMENT_SIZE - 1);
      }
    }
  }

  /** As {@link #openNew}, with O_DIRECT; null when the file system refuses it. */
  private static FileChannel create(Path target, DirectWrites direct) throws IOException {
    try {
      return direct.create(target, FILE_MODE);
    } catch (FileAlreadyExistsException twice) {
      throw new IOException("basebackup names " + target.getFileName() + " twice (or a file over a directory)", twice);
    }
  }

  private static FileChannel openNew(Path target) throws IOException {
    try {
      return FileChannel.open(target, NEW_FILE, FILE_MODE);
    } catch (FileAlreadyExistsException twice) {
      throw new IOException("basebackup names " + target.getFileName() + " twice (or a file over a directory)", twice);
    }
  }

  private static long parseSize(String text, String name) throws IOException {
    try {
      long size = Long.parseLong(text);
      if (size >= 0) {
        return size;
      }
    } catch (NumberFormatException notANumber) {
      // reported below
    }
    throw new IOException("basebackup entry " + name + " has a bad lazy size: " + text);
  }

  private static int readFully(InputStream in, byte[] buffer, int length, String name) throws IOException {
    int got = 0;
    while (got < length) {
      int n = in.read(buffer, got, length - got);
      if (n < 0) {
        throw new IOException("basebackup ends inside " + name);
      }
      got += n;
    }
    return got;
  }

  private static boolean isWalSegment(String name) {
    return name.startsWith(WAL_DIR + "/") && name.indexOf('/', WAL_DIR.length() + 1) < 0
        && WalSegments.isSegmentFileName(name.substring(WAL_DIR.length() + 1));
  }
}
