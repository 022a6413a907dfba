package dev.argondb.pageserver.remote;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tries an operation of another storage again after a transient failure (as its {@link RemoteStorage#isTransient}
 * says), waiting {@code baseMillis}, then twice as long each time up to {@code maxMillis}, at most
 * {@code attempts} tries in all. Times each operation and counts retries and final failures.
 */
public final class RetryingRemoteStorage implements RemoteStorage {
  private static final Logger LOG = LoggerFactory.getLogger(RetryingRemoteStorage.class);

  private final Vertx vertx;
  private final RemoteStorage inner;
  private final RemoteMetrics metrics;
  private final int attempts;
  private final long baseMillis;
  private final long maxMillis;

  public RetryingRemoteStorage(Vertx vertx, RemoteStorage inner, RemoteMetrics metrics, int attempts, long baseMillis,
                               long maxMillis) {
    if (attempts < 1 || baseMillis < 1 || maxMillis < baseMillis) {
      throw new IllegalArgumentException("retry settings: attempts >= 1, 1 <= base <= max millis");
    }
    this.vertx = vertx;
    this.inner = inner;
    this.metrics = metrics;
    this.attempts = attempts;
    this.baseMillis = baseMillis;
    this.maxMillis = maxMillis;
  }

  @Override
  public Future<Void> put(String key, Path file) {
    return retry("put", key, () -> inner.put(key, file));
  }

  @Override
  public Future<Void> putBytes(String key, byte[] bytes) {
    return retry("put", key, () -> inner.putBytes(key, bytes));
  }

  @Override
  public Future<Void> get(String key, Path target) {
    return retry("get", key, () -> inner.get(key, target));
  }

  @Override
  public Future<byte[]> getBytes(String key) {
    return retry("get", key, () -> inner.getBytes(key));
  }

  @Override
  public Future<Void> delete(String key) {
    return retry("delete", key, () -> inner.delete(key));
  }

  @Override
  public Future<List<String>> list(String prefix) {
    return retry("list", prefix, () -> inner.list(prefix));
  }

  @Override
  public boolean isTransient(Throwable failure) {
    return inner.isTransient(failure);
  }

  @Override
  public String describe() {
    return inner.describe();
  }

  @Override
  public void close() {
    inner.close();
  }

  /** Any other operation of the inner storage (creating a bucket), with the same retries. */
  public <T> Future<T> retried(String op, String key, Supplier<Future<T>> operation) {
    return retry(op, key, operation);
  }

  private <T> Future<T> retry(String op, String key, Supplier<Future<T>> operation) {
    Promise<T> promise = Promise.promise();
    long begin = System.nanoTime();
    attempt(op, key, operation, 1, promise);
    return promise.future().andThen(done -> metrics.timed(op, System.nanoTime() - begin));
  }

  private <T> void attempt(String op, String key, Supplier<Future<T>> operation, int attempt, Promise<T> promise) {
    Future<T> tried;
    try {
      tried = operation.get();
    } catch (RuntimeException e) {
      tried = Future.failedFuture(e);
    }
    tried.onSuccess(promise::complete).onFailure(failure -> {
      if (failure instanceof RemoteObjectNotFound) {
        promise.fail(failure); // an answer, not an error
        return;
      }
      if (attempt >= attempts || !inner.isTransient(failure)) {
        metrics.failed(op);
        promise.fail(failure);
        return;
      }
      long wait = Math.min(maxMillis, baseMillis << Math.min(attempt - 1, 30));
      metrics.retried(op);
      LOG.info("Remote {} of {} failed ({}); try {} of {} in {} ms", op, key, failure.toString(), attempt + 1,
          attempts, wait);
      vertx.setTimer(wait, id -> attempt(op, key, operation, attempt + 1, promise));
    });
  }
}
