package dev.argondb.pageserver.remote;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Remote storage in any S3 API (AWS, or a compatible server) through the AWS SDK v2 async client over Netty:
 * nothing blocks a Vert.x thread, and a put is atomic by S3's own semantics. The SDK's own retries are off:
 * {@link RetryingRemoteStorage} retries (with back-off, counted in metrics) the failures {@link #isTransient}
 * names. Keys live under the configured prefix.
 */
public final class S3RemoteStorage implements RemoteStorage {
  private final Vertx vertx;
  private final RemoteStorageConfig.S3 config;
  private final S3AsyncClient client;

  public S3RemoteStorage(Vertx vertx, RemoteStorageConfig.S3 config) {
    this.vertx = vertx;
    this.config = config;
    var builder = S3AsyncClient.builder()
        .httpClientBuilder(NettyNioAsyncHttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(5))
            .readTimeout(Duration.ofSeconds(60))
            .writeTimeout(Duration.ofSeconds(60))
            .maxConcurrency(32))
        .region(Region.of(config.region()))
        .forcePathStyle(config.pathStyle())
        // Checksums only where S3 requires them: compatible servers do not all accept the newer trailers.
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));
    if (!config.endpoint().isEmpty()) {
      builder.endpointOverride(URI.create(config.endpoint()));
    }
    if (!config.accessKey().isEmpty()) {
      builder.credentialsProvider(StaticCredentialsProvider.create(
          AwsBasicCredentials.create(config.accessKey(), config.secretKey())));
    }
    this.client = builder.build();
  }

  /** Creates the bucket if it does not exist (a fresh test server, a new local setup). */
  public Future<Void> ensureBucket() {
    return on(client.headBucket(b -> b.bucket(config.bucket())).handle((ok, failure) -> {
      Throwable cause = unwrap(failure);
      if (cause == null) {
        return CompletableFuture.<Void>completedFuture(null);
      }
      if (cause instanceof NoSuchBucketException || (cause instanceof S3Exception s3 && s3.statusCode() == 404)) {
        return client.createBucket(b -> b.bucket(config.bucket())).thenApply(created -> (Void) null);
      }
      return CompletableFuture.<Void>failedFuture(cause);
    }).thenCompose(f -> f));
  }

  @Override
  public Future<Void> put(String key, Path file) {
    return on(client.putObject(b -> b.bucket(config.bucket()).key(full(key)), AsyncRequestBody.fromFile(file))
        .thenApply(r -> null));
  }

  @Override
  public Future<Void> putBytes(String key, byte[] bytes) {
    return on(client.putObject(b -> b.bucket(config.bucket()).key(full(key)), AsyncRequestBody.fromBytes(bytes))
        .thenApply(r -> null));
  }

  @Override
  public Future<Void> get(String key, Path target) {
    // The SDK writes a new file; an earlier attempt's leftover is removed first (on a worker).
    return vertx.executeBlocking(() -> Files.deleteIfExists(target), false)
        .compose(deleted -> on(client.getObject(b -> b.bucket(config.bucket()).key(full(key)),
            AsyncResponseTransformer.toFile(target)).thenApply(r -> (Void) null)))
        .recover(failure -> Future.failedFuture(notFound(key, failure)));
  }

  @Override
  public Future<byte[]> getBytes(String key) {
    return on(client.getObject(b -> b.bucket(config.bucket()).key(full(key)), AsyncResponseTransformer.toBytes())
        .thenApply(r -> r.asByteArray()))
        .recover(failure -> Future.failedFuture(notFound(key, failure)));
  }

  @Override
  public Future<Void> delete(String key) {
    return on(client.deleteObject(b -> b.bucket(config.bucket()).key(full(key))).thenApply(r -> (Void) null));
  }

  @Override
  public Future<List<String>> list(String prefix) {
    ConcurrentLinkedQueue<String> keys = new ConcurrentLinkedQueue<>();
    String strip = config.prefix().isEmpty() ? "" : config.prefix() + "/";
    return on(client.listObjectsV2Paginator(b -> b.bucket(config.bucket()).prefix(full(prefix)))
        .contents().subscribe(object -> {
          // Keys ending in "/" are folder markers some servers list; no object of ours is named so.
          if (!object.key().endsWith("/")) {
            keys.add(object.key().substring(strip.length()));
          }
        }))
        .map(done -> List.copyOf(keys));
  }

  @Override
  public boolean isTransient(Throwable failure) {
    Throwable cause = unwrap(failure);
    if (cause instanceof S3Exception s3) {
      return s3.statusCode() >= 500 || s3.statusCode() == 429 || s3.isThrottlingException();
    }
    return cause instanceof SdkClientException || cause instanceof IOException;
  }

  @Override
  public String describe() {
    return "s3 " + (config.endpoint().isEmpty() ? "" : config.endpoint() + " ") + "bucket " + config.bucket()
        + (config.prefix().isEmpty() ? "" : " prefix " + config.prefix());
  }

  @Override
  public void close() {
    client.close();
  }

  private String full(String key) {
    return config.prefix().isEmpty() ? key : config.prefix() + "/" + key;
  }

  private static Throwable notFound(String key, Throwable failure) {
    Throwable cause = unwrap(failure);
    if (cause instanceof NoSuchKeyException || (cause instanceof S3Exception s3 && s3.statusCode() == 404)) {
      return new RemoteObjectNotFound(key);
    }
    return cause;
  }

  private static Throwable unwrap(Throwable failure) {
    Throwable cause = failure;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  /** The SDK completes on its own threads; callbacks come back on the caller's Vert.x context. */
  private <T> Future<T> on(CompletionStage<T> stage) {
    return Future.fromCompletionStage(stage, vertx.getOrCreateContext()).recover(f -> Future.failedFuture(unwrap(f)));
  }
}
