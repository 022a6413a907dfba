package dev.argondb.pageserver.remote;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Packs image directories into one tar object and back; checksums. Blocking. */
final class LayerFiles {
  private LayerFiles() {}

  /**
   * Writes {@code dir}'s tree (directories too, empty ones matter to Postgres) into {@code tar}, with
   * {@code last} (the image's description) as the final entry so unpacking can write it last as well.
   */
  static void tar(Path dir, Path tar, String last) throws IOException {
    List<Path> paths;
    try (var walk = Files.walk(dir)) {
      paths = walk.filter(p -> !p.equals(dir)).sorted().toList();
    }
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tar), 1 << 16);
         TarArchiveOutputStream archive = new TarArchiveOutputStream(out)) {
      archive.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      archive.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      Path lastPath = dir.resolve(last);
      for (Path path : paths) {
        if (!path.equals(lastPath)) {
          add(archive, dir, path);
        }
      }
      if (Files.exists(lastPath)) {
        add(archive, dir, lastPath);
      }
    }
  }

  private static void add(TarArchiveOutputStream archive, Path dir, Path path) throws IOException {
    String name = dir.relativize(path).toString().replace('\\', '/');
    boolean directory = Files.isDirectory(path);
    TarArchiveEntry entry = new TarArchiveEntry(directory ? name + "/" : name);
    if (directory) {
      entry.setMode(040700);
      archive.putArchiveEntry(entry);
    } else {
      entry.setSize(Files.size(path));
      entry.setMode(0100600);
      archive.putArchiveEntry(entry);
      Files.copy(path, archive);
    }
    archive.closeArchiveEntry();
  }

  /**
   * Unpacks {@code tar} into {@code dir}, except the entry named {@code held} whose bytes are returned
   * (null if absent) for the caller to write last. Entries that would leave {@code dir} are refused.
   */
  static byte[] untar(Path tar, Path dir, String held) throws IOException {
    byte[] heldBytes = null;
    Path root = dir.toAbsolutePath().normalize();
    Files.createDirectories(root);
    try (InputStream in = new BufferedInputStream(Files.newInputStream(tar), 1 << 16);
         TarArchiveInputStream archive = new TarArchiveInputStream(in)) {
      TarArchiveEntry entry;
      while ((entry = archive.getNextEntry()) != null) {
        Path target = root.resolve(entry.getName()).normalize();
        if (!target.startsWith(root) || target.equals(root) && !entry.isDirectory()) {
          throw new IOException("tar entry " + entry.getName() + " leaves its directory");
        }
        if (entry.isDirectory()) {
          Files.createDirectories(target);
        } else if (entry.getName().equals(held)) {
          heldBytes = archive.readAllBytes();
        } else {
          Files.createDirectories(target.getParent());
          Files.copy(archive, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    return heldBytes;
  }

  static String sha256(Path file) throws IOException {
    MessageDigest digest = sha256();
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        digest.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
