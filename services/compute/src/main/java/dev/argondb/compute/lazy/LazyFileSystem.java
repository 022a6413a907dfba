package dev.argondb.compute.lazy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import jnr.ffi.Pointer;
import jnr.ffi.types.off_t;
import jnr.ffi.types.size_t;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ru.serce.jnrfuse.ErrorCodes;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.FuseStubFS;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.Statvfs;

/**
 * A FUSE file system holding the lazy files of every compute of this agent, flat under its mount point by
 * name. A compute's data directory links each of its large relation files here (a symbolic link: Postgres
 * opens relation files by path, follows the link, and never creates, renames or lists these), so Postgres reads
 * and writes them through {@link LazyFile}. Only regular-file operations are served; names are added and
 * removed by the agent ({@link #add}, {@link #remove}), never through the mount. Each FUSE call runs on one of
 * libfuse's threads and may block on a fetch from the pageserver.
 */
final class LazyFileSystem extends FuseStubFS {
  private static final Logger LOG = LoggerFactory.getLogger(LazyFileSystem.class);
  private static final int FILE_MODE = 0600;
  private static final int ROOT_MODE = 0700;

  private final Map<String, LazyFile> files = new ConcurrentHashMap<>();
  /**
   * Each FUSE thread's transfer buffer, reused by every read and write it serves (at most the mount's
   * max_read/max_write, 128 KB): these run for every page Postgres touches in a lazy file.
   */
  private final ThreadLocal<ByteBuffer> transfer = ThreadLocal.withInitial(() -> ByteBuffer.allocate(128 << 10));
  private final long uid;
  private final long gid;

  LazyFileSystem(long uid, long gid) {
    this.uid = uid;
    this.gid = gid;
  }

  void add(String name, LazyFile file) {
    if (name.isEmpty() || name.contains("/") || files.putIfAbsent(name, file) != null) {
      throw new IllegalArgumentException("lazy file name taken or invalid: " + name);
    }
  }

  /** Takes a file off the mount (a process that has it open gets EIO from then on). */
  LazyFile remove(String name) {
    return files.remove(name);
  }

  int fileCount() {
    return files.size();
  }

  @Override
  public int getattr(String path, FileStat stat) {
    stat.st_uid.set(uid);
    stat.st_gid.set(gid);
    if (path.equals("/")) {
      stat.st_mode.set(FileStat.S_IFDIR | ROOT_MODE);
      stat.st_nlink.set(2);
      return 0;
    }
    LazyFile file = file(path);
    if (file == null) {
      return -ErrorCodes.ENOENT();
    }
    long size = file.size();
    stat.st_mode.set(FileStat.S_IFREG | FILE_MODE);
    stat.st_nlink.set(1);
    stat.st_size.set(size);
    stat.st_blksize.set(LazyFile.BLOCK);
    stat.st_blocks.set((size + 511) / 512);
    return 0;
  }

  @Override
  public int readdir(String path, Pointer buf, FuseFillDir filter, @off_t long offset, FuseFileInfo fi) {
    if (!path.equals("/")) {
      return -ErrorCodes.ENOTDIR();
    }
    filter.apply(buf, ".", null, 0);
    filter.apply(buf, "..", null, 0);
    for (String name : files.keySet()) {
      filter.apply(buf, name, null, 0);
    }
    return 0;
  }

  @Override
  public int open(String path, FuseFileInfo fi) {
    return file(path) == null ? -ErrorCodes.ENOENT() : 0;
  }

  @Override
  public int read(String path, Pointer buf, @size_t long size, @off_t long offset, FuseFileInfo fi) {
    LazyFile file = file(path);
    if (file == null) {
      return -ErrorCodes.ENOENT();
    }
    try {
      ByteBuffer bytes = transferBuffer((int) size);
      int n = file.read(offset, (int) size, bytes);
      buf.put(0, bytes.array(), 0, n);
      return n;
    } catch (IOException | RuntimeException e) {
      return failed("read", path, e);
    }
  }

  @Override
  public int write(String path, Pointer buf, @size_t long size, @off_t long offset, FuseFileInfo fi) {
    LazyFile file = file(path);
    if (file == null) {
      return -ErrorCodes.ENOENT();
    }
    try {
      ByteBuffer bytes = transferBuffer((int) size);
      buf.get(0, bytes.array(), 0, (int) size);
      file.write(offset, bytes);
      return (int) size;
    } catch (IOException | RuntimeException e) {
      return failed("write", path, e);
    }
  }

  @Override
  public int truncate(String path, @off_t long size) {
    LazyFile file = file(path);
    if (file == null) {
      return -ErrorCodes.ENOENT();
    }
    try {
      file.truncate(size);
      return 0;
    } catch (IOException | RuntimeException e) {
      return failed("truncate", path, e);
    }
  }

  @Override
  public int ftruncate(String path, @off_t long size, FuseFileInfo fi) {
    return truncate(path, size);
  }

  @Override
  public int fallocate(String path, int mode, @off_t long offset, @off_t long length, FuseFileInfo fi) {
    LazyFile file = file(path);
    if (file == null) {
      return -ErrorCodes.ENOENT();
    }
    if (mode != 0) {
      return -ErrorCodes.EOPNOTSUPP(); // Postgres only extends (posix_fallocate): mode 0
    }
    try {
      file.allocate(offset, length);
      return 0;
    } catch (IOException | RuntimeException e) {
      return failed("fallocate", path, e);
    }
  }

  @Override
  public int fsync(String path, int isdatasync, FuseFileInfo fi) {
    LazyFile file = file(path);
    if (file == null) {
      return -ErrorCodes.ENOENT();
    }
    try {
      file.sync();
      return 0;
    } catch (IOException | RuntimeException e) {
      return failed("fsync", path, e);
    }
  }

  @Override
  public int flush(String path, FuseFileInfo fi) {
    return 0;
  }

  @Override
  public int release(String path, FuseFileInfo fi) {
    return 0;
  }

  @Override
  public int chmod(String path, long mode) {
    return file(path) == null && !path.equals("/") ? -ErrorCodes.ENOENT() : 0;
  }

  @Override
  public int utimens(String path, ru.serce.jnrfuse.struct.Timespec[] timespec) {
    return 0;
  }

  @Override
  public int statfs(String path, Statvfs stbuf) {
    stbuf.f_bsize.set(LazyFile.BLOCK);
    stbuf.f_frsize.set(LazyFile.BLOCK);
    stbuf.f_namemax.set(255);
    return 0;
  }

  /** This thread's transfer buffer, cleared and limited to {@code size} (grown if a call asks for more). */
  private ByteBuffer transferBuffer(int size) {
    ByteBuffer buffer = transfer.get();
    if (buffer.capacity() < size) {
      buffer = ByteBuffer.allocate(size);
      transfer.set(buffer);
    }
    return buffer.clear().limit(size);
  }

  private LazyFile file(String path) {
    return path.length() > 1 ? files.get(path.substring(1)) : null;
  }

  private static int failed(String operation, String path, Exception e) {
    LOG.warn("Lazy file {}: {} failed: {}", Path.of(path).getFileName(), operation, e.toString());
    return -ErrorCodes.EIO();
  }
}
