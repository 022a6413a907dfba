package dev.argondb.pageserver.remote;

import dev.argondb.durable.DurableFiles;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.UUID;

/**
 * Remote storage in a local directory (the local stack's {@code <argon home>/remote}; a shared mount in a
 * deployment): one file per key. Each put writes a temporary file beside the target, fsyncs it and renames it
 * over the target, so readers never see half an object. Blocking work on workers (unordered: puts of
 * different keys run side by side).
 */
public final class DirectoryRemoteStorage implements RemoteStorage {
  private static final String TEMP_SUFFIX = ".uploading";

  private final Vertx vertx;
  private final Path root;

  public DirectoryRemoteStorage(Vertx vertx, Path root) {
    this.vertx = vertx;
    this.root = root.toAbsolutePath().normalize();
  }

  @Override
  public Future<Void> put(String key, Path file) {
    return vertx.executeBlocking(() -> {
      Path target = resolve(key);
      Path temp = tempFor(target);
      Files.copy(file, temp, StandardCopyOption.REPLACE_EXISTING);
      publish(temp, target);
      return null;
    }, false);
  }

  @Override
  public Future<Void> putBytes(String key, byte[] bytes) {
    return vertx.executeBlocking(() -> {
      Path target = resolve(key);
      Path temp = tempFor(target);
      Files.write(temp, bytes);
      publish(temp, target);
      return null;
    }, false);
  }

  @Override
  public Future<Void> get(String key, Path target) {
    return vertx.executeBlocking(() -> {
      try {
        Files.copy(resolve(key), target, StandardCopyOption.REPLACE_EXISTING);
      } catch (NoSuchFileException missing) {
        throw new RemoteObjectNotFound(key);
      }
      return null;
    }, false);
  }

  @Override
  public Future<byte[]> getBytes(String key) {
    return vertx.executeBlocking(() -> {
      try {
        return Files.readAllBytes(resolve(key));
      } catch (NoSuchFileException missing) {
        throw new RemoteObjectNotFound(key);
      }
    }, false);
  }

  @Override
  public Future<Void> delete(String key) {
    return vertx.executeBlocking(() -> {
      Path target = resolve(key);
      if (Files.deleteIfExists(target)) {
        DurableFiles.fsyncDirectory(target.getParent());
      }
      return null;
    }, false);
  }

  @Override
  public Future<List<String>> list(String prefix) {
    return vertx.executeBlocking(() -> {
      if (!Files.isDirectory(root)) {
        return List.of();
      }
      try (var walk = Files.walk(root)) {
        return walk.filter(Files::isRegularFile)
            .filter(p -> !p.getFileName().toString().endsWith(TEMP_SUFFIX))
            .map(p -> root.relativize(p).toString().replace('\\', '/'))
            .filter(k -> k.startsWith(prefix))
            .toList();
      }
    }, false);
  }

  @Override
  public String describe() {
    return "directory " + root;
  }

  /** A key is a relative path of plain names: nothing may escape the root. */
  private Path resolve(String key) {
    if (key.isEmpty() || key.startsWith("/") || key.contains("\\") || List.of(key.split("/")).stream()
        .anyMatch(part -> part.isEmpty() || part.equals(".") || part.equals(".."))) {
      throw new IllegalArgumentException("bad remote key: " + key);
    }
    return root.resolve(key);
  }

  private static Path tempFor(Path target) throws IOException {
    Files.createDirectories(target.getParent());
    return target.resolveSibling(target.getFileName() + "." + UUID.randomUUID() + TEMP_SUFFIX);
  }

  private static void publish(Path temp, Path target) throws IOException {
    try (var ch = java.nio.channels.FileChannel.open(temp, java.nio.file.StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    DurableFiles.fsyncDirectory(target.getParent());
  }
}
