package dev.argondb.pageserver.remote;

import io.vertx.core.Future;
import java.nio.file.Path;
import java.util.List;

/**
 * Where layers and indexes are kept off the pageserver: a flat key space of immutable objects
 * ({@code tenants/<tenant>/timelines/<timeline>/...}). Every method returns at once; blocking I/O runs on
 * workers. A put is atomic: a reader sees the whole object or none of it.
 */
public interface RemoteStorage extends AutoCloseable {
  /** Stores {@code file}'s bytes under {@code key}, replacing what was there. */
  Future<Void> put(String key, Path file);

  Future<Void> putBytes(String key, byte[] bytes);

  /** Writes the object to {@code target} (replaced whole; the parent directory must exist). */
  Future<Void> get(String key, Path target);

  /** The object's bytes; fails with {@link RemoteObjectNotFound} if there is none. */
  Future<byte[]> getBytes(String key);

  /** Removes the object under {@code key}; succeeds if there is none. */
  Future<Void> delete(String key);

  /** The keys that start with {@code prefix}, in no particular order. */
  Future<List<String>> list(String prefix);

  /** Whether a failure is worth trying again (a connection reset, a 5xx, throttling); false by default. */
  default boolean isTransient(Throwable failure) {
    return false;
  }

  /** What this storage is, for logs. */
  String describe();

  @Override
  default void close() {}
}
