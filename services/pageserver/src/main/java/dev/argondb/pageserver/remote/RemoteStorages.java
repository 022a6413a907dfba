package dev.argondb.pageserver.remote;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens the remote storage a config names, wrapped in retries with back-off. */
public final class RemoteStorages {
  /** Tries per operation, and the back-off's first and longest wait: ~13 s of retries before a pass gives up. */
  public static final int ATTEMPTS = 8;
  public static final long BASE_BACKOFF_MILLIS = 100;
  public static final long MAX_BACKOFF_MILLIS = 5_000;

  private RemoteStorages() {}

  /** The storage, or null for {@link RemoteStorageConfig.None}; an S3 bucket is created if missing. */
  public static Future<RemoteStorage> open(Vertx vertx, RemoteStorageConfig config, RemoteMetrics metrics) {
    if (config instanceof RemoteStorageConfig.Directory directory) {
      return Future.succeededFuture(retrying(vertx, new DirectoryRemoteStorage(vertx, directory.path()), metrics));
    }
    if (config instanceof RemoteStorageConfig.S3 s3) {
      S3RemoteStorage storage = new S3RemoteStorage(vertx, s3);
      RetryingRemoteStorage retrying = retrying(vertx, storage, metrics);
      return retrying.retried("bucket", s3.bucket(), storage::ensureBucket).<RemoteStorage>map(ok -> retrying)
          .onFailure(failed -> storage.close());
    }
    return Future.succeededFuture(null);
  }

  public static RetryingRemoteStorage retrying(Vertx vertx, RemoteStorage storage, RemoteMetrics metrics) {
    return new RetryingRemoteStorage(vertx, storage, metrics, ATTEMPTS, BASE_BACKOFF_MILLIS, MAX_BACKOFF_MILLIS);
  }

  /** True if the pageserver's data directory holds no timeline (a new or wiped pageserver: rebuild it). Blocking. */
  public static boolean holdsNoTimeline(Path dataDir) throws java.io.IOException {
    Path tenants = dataDir.resolve("tenants");
    if (!Files.isDirectory(tenants)) {
      return true;
    }
    try (var walk = Files.walk(tenants, 4)) {
      return walk.noneMatch(p -> p.getFileName().toString().equals("metadata.json"));
    }
  }
}
