package dev.argondb.compute.agent;

import java.nio.file.Path;
import jnr.ffi.LibraryLoader;
import jnr.ffi.byref.IntByReference;
import jnr.ffi.types.u_int64_t;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets ext4's "top of directory hierarchy" flag ({@code chattr +T}, {@code FS_TOPDIR_FL}) on the directories that
 * hold compute data directories. A cold start writes a basebackup (about a thousand files) into a fresh data
 * directory, and the one before was just deleted. ext4 puts a new directory's inode, and then its files, near its
 * parent, which is where that directory's inodes were just freed, and without a journal it skips freed inodes
 * one by one for a while after the delete. Measured here, a thousand 8 KB files took 500 ms that way and 20 ms
 * with the flag. With the flag set on the parent, ext4's Orlov allocator puts each new subdirectory in a block group
 * it picks for free space. The flag only affects where new directories go. On other filesystems, or where the
 * ioctl is missing, it does nothing.
 */
final class TopDirectoryFlag {
  private static final Logger LOG = LoggerFactory.getLogger(TopDirectoryFlag.class);
  /** {@code linux/fs.h}: _IOR('f', 1, long), _IOW('f', 2, long); the kernel reads and writes an int. */
  private static final long FS_IOC_GETFLAGS = 0x80086601L;
  private static final long FS_IOC_SETFLAGS = 0x40086602L;
  private static final int FS_TOPDIR_FL = 0x00020000;
  private static final int O_RDONLY_DIRECTORY = 0x10000; // O_RDONLY | O_DIRECTORY on Linux x86-64 and arm64
  private static final LibC LIBC = load();
  private static volatile boolean warned;

  /** The C calls used, through jnr-ffi (already here for FUSE). */
  public interface LibC {
    int open(String path, int flags);

    int ioctl(int fd, @u_int64_t long request, IntByReference flags);

    int close(int fd);
  }

  private TopDirectoryFlag() {}

  /** Sets the flag on {@code dir} unless it is set; true if it is set now. Blocking (a few system calls). */
  static boolean set(Path dir) {
    if (LIBC == null) {
      return false;
    }
    int fd = LIBC.open(dir.toString(), O_RDONLY_DIRECTORY);
    if (fd < 0) {
      return false;
    }
    try {
      IntByReference flags = new IntByReference();
      if (LIBC.ioctl(fd, FS_IOC_GETFLAGS, flags) != 0) {
        unsupported(dir);
        return false;
      }
      if ((flags.intValue() & FS_TOPDIR_FL) != 0) {
        return true;
      }
      if (LIBC.ioctl(fd, FS_IOC_SETFLAGS, new IntByReference(flags.intValue() | FS_TOPDIR_FL)) != 0) {
        unsupported(dir);
        return false;
      }
      return true;
    } finally {
      LIBC.close(fd);
    }
  }

  private static void unsupported(Path dir) {
    if (!warned) {
      warned = true;
      LOG.debug("{}: the filesystem takes no directory placement flag; compute directories are placed as it likes", dir);
    }
  }

  private static LibC load() {
    try {
      return LibraryLoader.create(LibC.class).load("c");
    } catch (RuntimeException | LinkageError unavailable) {
      LOG.debug("No libc through jnr-ffi ({}); compute directories are placed as the filesystem likes",
          unavailable.toString());
      return null;
    }
  }
}
