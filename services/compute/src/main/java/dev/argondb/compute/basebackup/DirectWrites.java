package dev.argondb.compute.basebackup;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the large files of a basebackup with O_DIRECT, past the page cache. A cold start of a 1 GB database
 * writes a gigabyte Postgres will mostly not read for a while; through the page cache every one of those pages
 * is first allocated and filled (on a virtual machine whose host takes back free guest memory, the first touch
 * of each page costs a host fault: 2.5 s of kernel time per GB measured here, against 0.6 s for O_DIRECT), and
 * then written back anyway. Written directly, the bytes go to the disk at its speed, and Postgres pages in what
 * it reads, as a Neon compute fetches pages on demand.
 *
 * <p>O_DIRECT needs the buffer's address, the file offset and each length aligned to the device's block size:
 * only files whose size is a multiple of {@link #ALIGNMENT} qualify (relation segments are whole 8 KB pages),
 * written from one aligned buffer. Where the file system refuses O_DIRECT (tmpfs), writes fall back to the
 * page cache for the rest of the extraction. One instance per extraction; not thread-safe.
 */
final class DirectWrites {
  /** Files smaller than this are written through the page cache: catalogs Postgres reads at once stay cached. */
  static final long MIN_BYTES = 1 << 20;
  /** A multiple of every logical block size O_DIRECT may ask for (512 or 4096). */
  static final int ALIGNMENT = 4096;
  private static final Logger LOG = LoggerFactory.getLogger(DirectWrites.class);

  private final ByteBuffer aligned;
  private boolean unsupported;

  DirectWrites(int bufferBytes) {
    if (bufferBytes % ALIGNMENT != 0) {
      throw new IllegalArgumentException("buffer of " + bufferBytes + " bytes is not a multiple of " + ALIGNMENT);
    }
    this.aligned = ByteBuffer.allocateDirect(bufferBytes + ALIGNMENT).alignedSlice(ALIGNMENT);
  }

  /** Whether a file of {@code size} bytes should go through {@link #open}. */
  boolean suits(long size) {
    return !unsupported && size >= MIN_BYTES && size % ALIGNMENT == 0;
  }

  /**
   * Creates {@code target} (which must not exist) for direct writes, or returns null when the file system
   * refuses O_DIRECT: then {@link #suits} is false from now on and the caller writes through the page cache.
   */
  FileChannel create(Path target, FileAttribute<Set<PosixFilePermission>> mode) throws IOException {
    try {
      return FileChannel.open(target, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
          ExtendedOpenOption.DIRECT), mode);
    } catch (FileAlreadyExistsException exists) {
      throw exists;
    } catch (UnsupportedOperationException | IOException refused) {
      unsupported = true;
      LOG.info("O_DIRECT refused for {} ({}): writing through the page cache", target, refused.toString());
      Files.deleteIfExists(target); // some file systems create the file before they refuse the flag
      return null;
    }
  }

  /** Writes {@code length} bytes (a multiple of {@link #ALIGNMENT}) of {@code bytes} at the channel's position. */
  void write(FileChannel file, byte[] bytes, int length) throws IOException {
    if (length % ALIGNMENT != 0 || length > aligned.capacity()) {
      throw new IllegalArgumentException("direct write of " + length + " bytes");
    }
    aligned.clear();
    aligned.put(bytes, 0, length);
    aligned.flip();
    while (aligned.hasRemaining()) {
      file.write(aligned);
    }
  }
}
