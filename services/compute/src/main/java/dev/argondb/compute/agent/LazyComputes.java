package dev.argondb.compute.agent;

import dev.argondb.compute.basebackup.BasebackupClient;
import dev.argondb.compute.lazy.LazyFiles;
import dev.argondb.compute.lazy.LazyMount;
import dev.argondb.compute.lazy.PagesClient;
import io.vertx.core.Context;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lazy files of this agent's computes (a cold start of a large database reads its big relation files from
 * the pageserver on demand instead of copying them first): one {@link LazyMount} for all, the {@link LazyFiles}
 * of each endpoint's current data directory, and one background thread that fetches the rest of each after its
 * compute started, so a compute soon stops depending on the pageserver for reads and a suspend finds its files
 * whole. Without a mount (disabled, or FUSE unavailable) every start copies the whole basebackup. Blocking
 * methods say so.
 */
final class LazyComputes implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LazyComputes.class);

  private final LazyMount mount;
  private final long minBytes;
  private final GrpcClient grpc;
  private final Context context;
  private final Map<String, LazyFiles> byEndpoint = new ConcurrentHashMap<>();
  private final ExecutorService prefetcher;

  private LazyComputes(LazyMount mount, long minBytes, GrpcClient grpc, Context context) {
    this.mount = mount;
    this.minBytes = minBytes;
    this.grpc = grpc;
    this.context = context;
    this.prefetcher = mount == null ? null : Executors.newSingleThreadExecutor(task -> {
      Thread thread = new Thread(task, "argon-lazy-prefetch");
      thread.setDaemon(true);
      return thread;
    });
  }

  /**
   * Mounts when {@code minBytes} > 0; when that fails, logs why and goes without. Pages are fetched with
   * {@code grpc} on {@code context} (an event loop). Blocking.
   */
  static LazyComputes open(long minBytes, GrpcClient grpc, Context context) {
    if (minBytes <= 0) {
      return new LazyComputes(null, 0, grpc, context);
    }
    try {
      return new LazyComputes(LazyMount.mount(), minBytes, grpc, context);
    } catch (IOException | RuntimeException e) {
      LOG.warn("Computes start from whole basebackups (no lazy relation files): {}", e.getMessage());
      return new LazyComputes(null, 0, grpc, context);
    }
  }

  /** What a basebackup of this endpoint should send lazily, or null (everything whole). */
  BasebackupClient.Lazy forStart(String endpointId, ComputeDirectory directory, SocketAddress pageserver,
                                 String tenantId, String timelineId) {
    if (mount == null) {
      return null;
    }
    return new BasebackupClient.Lazy(minBytes, lsn -> {
      LazyFiles files = new LazyFiles(mount, new PagesClient(context, grpc, pageserver, tenantId, timelineId, lsn),
          directory.lazyDir());
      LazyFiles previous = byEndpoint.put(endpointId, files);
      if (previous != null) {
        previous.discard();
      }
      return (name, target, size) -> files.add(name, target, size);
    });
  }

  /** Forgets the endpoint's lazy files (its directory is about to be cleared or was). Blocking. */
  void discard(String endpointId) throws IOException {
    LazyFiles files = byEndpoint.remove(endpointId);
    if (files != null) {
      files.discard();
    }
  }

  /**
   * Fetches the rest of the endpoint's lazy files in the background, if it has any. Called on the event loop:
   * reads only lock-free counters.
   */
  void prefetch(String endpointId) {
    LazyFiles files = byEndpoint.get(endpointId);
    if (files == null) {
      return;
    }
    var stats = mount.stats();
    LOG.info("Endpoint {}: {} lazy file(s), {} MB, are read on demand (so far {} fetches on demand, {} MB,"
            + " {} ms waited; all computes); fetching the rest in the background", endpointId, files.count(),
        files.sourceBytes() >> 20, stats.misses(), stats.bytesFetched() >> 20, stats.fetchNanos() / 1_000_000);
    prefetcher.execute(() -> {
      try {
        files.prefetchAll();
      } catch (IOException | RuntimeException e) {
        if (files.isClosed()) {
          LOG.debug("Endpoint {}: background fetch ended with its lazy files: {}", endpointId, e.getMessage());
        } else {
          LOG.warn("Endpoint {}: background fetch of lazy files stopped: {}", endpointId, e.getMessage());
        }
      }
    });
  }

  /**
   * After the endpoint's Postgres stopped: if every block of its lazy files is local, makes them whole ordinary
   * files in the data directory (renames) and forgets them; otherwise leaves them served (and the background fetch
   * going), for this agent to reuse the directory. Blocking.
   */
  void materializeIfComplete(String endpointId) throws IOException {
    LazyFiles files = byEndpoint.get(endpointId);
    if (files == null) {
      return;
    }
    if (!files.isComplete()) {
      LOG.info("Endpoint {}: its lazy files stay served while the rest is fetched ({} MB of {} MB local)",
          endpointId, files.localBytes() >> 20, files.sourceBytes() >> 20);
      return;
    }
    byEndpoint.remove(endpointId, files);
    files.materialize();
  }

  /** {local bytes, original bytes} of the endpoint's lazy files, or null if it has none. */
  long[] progress(String endpointId) {
    LazyFiles files = byEndpoint.get(endpointId);
    return files == null ? null : new long[] {files.localBytes(), files.sourceBytes()};
  }

  /** Whether the endpoint's data directory has lazy files this agent serves (so the directory may be reused). */
  boolean serves(String endpointId) {
    return byEndpoint.containsKey(endpointId);
  }

  /** What the lazy files fetched so far; null without a mount. */
  dev.argondb.compute.lazy.LazyStats stats() {
    return mount == null ? null : mount.stats();
  }


  /** Blocking. */
  @Override
  public void close() throws IOException {
    for (String endpointId : byEndpoint.keySet()) {
      discard(endpointId);
    }
    if (mount != null) {
      prefetcher.shutdownNow();
      mount.close();
    }
  }
}
