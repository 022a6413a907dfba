package dev.argondb.durable;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Deque;

/** Small files replaced whole and durably (write a temporary, fsync, rename, fsync the directory). Blocking. */
public final class DurableFiles {
  private DurableFiles() {}

  public static void write(Path file, String content) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer bytes = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
      while (bytes.hasRemaining()) {
        ch.write(bytes);
      }
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    fsyncDirectory(file.getParent());
  }

  /**
   * Creates {@code dir} and whichever of its parents are missing, durably: the parent of each directory created
   * is fsynced, so the new entries survive a crash (fsyncing a file, or the directory holding it, does not make
   * that directory's own entry in its parent durable).
   */
  public static void createDirectories(Path dir) throws IOException {
    Path absolute = dir.toAbsolutePath().normalize();
    Deque<Path> missing = new ArrayDeque<>();
    for (Path at = absolute; at != null && !Files.isDirectory(at); at = at.getParent()) {
      missing.push(at);
    }
    if (missing.isEmpty()) {
      return;
    }
    Files.createDirectories(absolute);
    for (Path created : missing) {
      fsyncDirectory(created.getParent());
    }
  }

  public static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
