package dev.argondb.pageserver.reconstruction;

import dev.argondb.durable.DurableFiles;
import dev.argondb.pageserver.image.DataDirFiles;
import dev.argondb.pageserver.image.DeltaImageWriter;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;

/**
 * Keeps a redo run's whole data directory as a full image (compaction): drops what an image leaves out (pg_wal's
 * segments, signal and postmaster files), fsyncs every file and directory, and moves it in as {@code pgdata/}.
 * The image's description is the caller's to write, last. Blocking.
 */
final class FullImageWriter {
  private FullImageWriter() {}

  static DeltaImageWriter.Written write(Path dataDir, Path imageDir) throws IOException {
    List<Path> paths;
    try (var walk = Files.walk(dataDir)) {
      paths = walk.sorted(Comparator.reverseOrder()).toList();
    }
    long bytes = 0;
    int files = 0;
    for (Path path : paths) {
      boolean dir = Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS);
      String name = dataDir.relativize(path).toString().replace('\\', '/');
      if (!dir && DataDirFiles.isLeftOut(name)) {
        Files.delete(path);
        continue;
      }
      if (dir) {
        DurableFiles.fsyncDirectory(path);
      } else {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE)) {
          ch.force(true);
        }
        bytes += Files.size(path);
        files++;
      }
    }
    Files.move(dataDir, imageDir.resolve("pgdata"), StandardCopyOption.ATOMIC_MOVE);
    DurableFiles.fsyncDirectory(imageDir);
    return new DeltaImageWriter.Written(bytes, 0, 0, files);
  }
}
