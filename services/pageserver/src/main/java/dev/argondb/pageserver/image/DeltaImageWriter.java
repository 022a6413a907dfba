package dev.argondb.pageserver.image;

import dev.argondb.durable.DurableFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a delta image: the difference between a stopped data directory and the version of its base chain
 * it was made from. A relation file keeps the pages that differ from the base's page or lie beyond the
 * base's size of that file (all pages of a new file); a file still carrying the materialization's
 * modification time and size was not written to, so its pages are not even compared. Other files are
 * copied whole. Everything written is fsynced; the image's description is the caller's to write, last.
 * Blocking.
 */
public final class DeltaImageWriter {
  /** What a delta image took. */
  public record Written(long bytes, long pagesStored, long pagesCompared, int wholeFiles) {}

  private DeltaImageWriter() {}

  public static Written write(Path dataDir, ImageChain base, FileTime untouched, Path imageDir) throws IOException {
    List<String> dirs = new ArrayList<>();
    Map<String, ImageManifest.Entry> files = new LinkedHashMap<>();
    List<Path> paths;
    try (var walk = Files.walk(dataDir)) {
      paths = walk.sorted().toList();
    }
    Path wholeDir = imageDir.resolve(ImageManifest.WHOLE_FILES);
    Files.createDirectories(wholeDir);
    long bytes = 0;
    long compared = 0;
    int whole = 0;
    int slot = 0;
    ByteBuffer page = ByteBuffer.allocate(DataDirFiles.PAGE_SIZE);
    ByteBuffer basePage = ByteBuffer.allocate(DataDirFiles.PAGE_SIZE);
    try (FileChannel pages = FileChannel.open(imageDir.resolve(ImageManifest.PAGES), StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE); ImageChain.Reader baseReader = base.reader()) {
      for (Path path : paths) {
        if (path.equals(dataDir)) {
          continue;
        }
        String name = dataDir.relativize(path).toString().replace('\\', '/');
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
          dirs.add(name);
          Files.createDirectories(wholeDir.resolve(name));
          continue;
        }
        if (DataDirFiles.isLeftOut(name)) {
          continue;
        }
        long size = Files.size(path);
        if (!ImageManifest.isPaged(name, size)) {
          Files.copy(path, wholeDir.resolve(name));
          force(wholeDir.resolve(name));
          bytes += size;
          whole++;
          files.put(name, new ImageManifest.Entry(name, size, false, null));
          continue;
        }
        ImageManifest.Entry previous = base.file(name);
        long baseBlocks = previous != null && previous.relation() ? previous.blocks() : 0;
        boolean notWritten = previous != null && previous.relation() && previous.size() == size
            && Files.getLastModifiedTime(path).equals(untouched);
        Map<Integer, Integer> slots = new HashMap<>();
        if (!notWritten) {
          try (FileChannel in = FileChannel.open(path, StandardOpenOption.READ)) {
            long blocks = size / DataDirFiles.PAGE_SIZE;
            for (int block = 0; block < blocks; block++) {
              long offset = (long) block * DataDirFiles.PAGE_SIZE;
              readFully(in, offset, page.clear());
              boolean changed = block >= baseBlocks;
              if (!changed) {
                baseReader.read(name, offset, basePage.clear());
                changed = !page.flip().equals(basePage.flip());
                compared++;
              }
              if (changed) {
                page.rewind();
                long at = (long) slot * DataDirFiles.PAGE_SIZE;
                while (page.hasRemaining()) {
                  at += pages.write(page, at);
                }
                slots.put(block, slot++);
              }
            }
          }
        }
        files.put(name, new ImageManifest.Entry(name, size, true, slots));
      }
      pages.force(true);
    }
    bytes += (long) slot * DataDirFiles.PAGE_SIZE;
    Path manifestFile = imageDir.resolve(ImageManifest.FILE);
    new ImageManifest(dirs, files).write(manifestFile);
    force(manifestFile);
    bytes += Files.size(manifestFile);
    for (String dir : dirs) {
      DurableFiles.fsyncDirectory(wholeDir.resolve(dir));
    }
    DurableFiles.fsyncDirectory(wholeDir);
    DurableFiles.fsyncDirectory(imageDir);
    return new Written(bytes, slot, compared, whole);
  }

  private static void readFully(FileChannel in, long position, ByteBuffer target) throws IOException {
    long pos = position;
    while (target.hasRemaining()) {
      int got = in.read(target, pos);
      if (got < 0) {
        throw new IOException("a relation file shrank while its image was written");
      }
      pos += got;
    }
  }

  private static void force(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
  }
}
