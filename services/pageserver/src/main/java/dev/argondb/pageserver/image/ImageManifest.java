package dev.argondb.pageserver.image;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one image holds: every directory and file of the data directory at its LSN, each file's size, and
 * for a delta image which pages of each relation file it stores (slot in {@code pages}) while other files
 * are stored whole under {@code files/}. A relation file absent from a newer image was dropped; one with a
 * smaller size was truncated. For a full image it is derived from {@code pgdata/}. Immutable.
 */
public final class ImageManifest {
  static final String FILE = "manifest";
  static final String PAGES = "pages";
  static final String WHOLE_FILES = "files";
  private static final int MAGIC = 0x41524731; // "ARG1"

  /**
   * One file of the image.
   *
   * @param relation true if stored page by page ({@code slots} maps block number to page slot; blocks not
   *                 in it are unchanged since the base); false if stored whole
   */
  public record Entry(String path, long size, boolean relation, Map<Integer, Integer> slots) {
    public long blocks() {
      return size / DataDirFiles.PAGE_SIZE;
    }
  }

  private final List<String> directories;
  private final Map<String, Entry> files;

  ImageManifest(List<String> directories, Map<String, Entry> files) {
    this.directories = List.copyOf(directories);
    this.files = Collections.unmodifiableMap(new LinkedHashMap<>(files));
  }

  /**
   * The manifest of {@code image}: read from its manifest file, or for a full image from its data directory.
   * {@link ImageStore#manifest} keeps them once read.
   */
  public static ImageManifest of(Image image) throws IOException {
    return image.isFull() ? scan(image.dataDir()) : read(image.dir().resolve(FILE));
  }

  public List<String> directories() {
    return directories;
  }

  public Collection<Entry> files() {
    return files.values();
  }

  public Entry file(String path) {
    return files.get(path);
  }

  /** Stored bytes of pages, for sizes in logs. */
  public long storedPages() {
    return files.values().stream().filter(Entry::relation).mapToLong(e -> e.slots().size()).sum();
  }

  /** Lists a stopped data directory (a full image): every relation file has all its pages there. */
  static ImageManifest scan(Path dataDir) throws IOException {
    List<String> dirs = new ArrayList<>();
    Map<String, Entry> files = new LinkedHashMap<>();
    try (var walk = Files.walk(dataDir)) {
      for (Path path : walk.sorted().toList()) {
        if (path.equals(dataDir)) {
          continue;
        }
        String name = dataDir.relativize(path).toString().replace('\\', '/');
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
          dirs.add(name);
        } else if (!DataDirFiles.isLeftOut(name)) {
          long size = Files.size(path);
          files.put(name, new Entry(name, size, isPaged(name, size), null));
        }
      }
    }
    return new ImageManifest(dirs, files);
  }

  /** Relation files whose size is whole pages are stored by page; anything odd is kept whole. */
  static boolean isPaged(String name, long size) {
    return DataDirFiles.isRelationFile(name) && size % DataDirFiles.PAGE_SIZE == 0;
  }

  void write(Path file) throws IOException {
    try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
      out.writeInt(MAGIC);
      out.writeInt(directories.size());
      for (String dir : directories) {
        out.writeUTF(dir);
      }
      out.writeInt(files.size());
      for (Entry e : files.values()) {
        out.writeUTF(e.path());
        out.writeLong(e.size());
        out.writeBoolean(e.relation());
        if (e.relation()) {
          out.writeInt(e.slots().size());
          for (var slot : e.slots().entrySet()) {
            out.writeInt(slot.getKey());
            out.writeInt(slot.getValue());
          }
        }
      }
    }
  }

  static ImageManifest read(Path file) throws IOException {
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
      if (in.readInt() != MAGIC) {
        throw new IOException("not an image manifest: " + file);
      }
      int dirCount = in.readInt();
      List<String> dirs = new ArrayList<>(dirCount);
      for (int i = 0; i < dirCount; i++) {
        dirs.add(in.readUTF());
      }
      int fileCount = in.readInt();
      Map<String, Entry> files = new LinkedHashMap<>();
      for (int i = 0; i < fileCount; i++) {
        String path = in.readUTF();
        long size = in.readLong();
        boolean relation = in.readBoolean();
        Map<Integer, Integer> slots = null;
        if (relation) {
          int n = in.readInt();
          slots = new java.util.HashMap<>(n * 2);
          for (int j = 0; j < n; j++) {
            slots.put(in.readInt(), in.readInt());
          }
        }
        files.put(path, new Entry(path, size, relation, slots));
      }
      return new ImageManifest(dirs, files);
    }
  }
}
