package dev.argondb.pageserver;

import dev.argondb.bus.BusCodecs;
import dev.argondb.pgruntime.PgBinaries;
import dev.argondb.pageserver.basebackup.BasebackupPlanner;
import dev.argondb.pageserver.basebackup.BasebackupService;
import dev.argondb.pageserver.gc.GcLeases;
import dev.argondb.pageserver.gc.GcMetrics;
import dev.argondb.pageserver.gc.GcVerticle;
import dev.argondb.pageserver.gc.Snapshots;
import dev.argondb.pageserver.gc.TenantBusVerticle;
import dev.argondb.pageserver.gc.TenantSettings;
import dev.argondb.pageserver.ingest.WalIngestVerticle;
import dev.argondb.pageserver.pages.PageReadChains;
import dev.argondb.pageserver.pages.PagesService;
import dev.argondb.pageserver.reconstruction.ImageRollForward;
import dev.argondb.pageserver.reconstruction.PageReconstructionVerticle;
import dev.argondb.pageserver.reconstruction.RedoMetrics;
import dev.argondb.pageserver.remote.LayerCache;
import dev.argondb.pageserver.remote.RemoteMetrics;
import dev.argondb.pageserver.remote.RemoteRestore;
import dev.argondb.pageserver.remote.RemoteStorage;
import dev.argondb.pageserver.remote.RemoteStorages;
import dev.argondb.pageserver.remote.RemoteUploadVerticle;
import dev.argondb.pageserver.timeline.TimelineCreator;
import dev.argondb.pageserver.timeline.Timelines;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deploys the pageserver: loads its timelines (on a worker), then its HTTP/gRPC server, its bus face,
 * WAL ingest (which resumes following where each timeline left off) and page reconstruction.
 */
public final class PageserverService {
  private static final Logger LOG = LoggerFactory.getLogger(PageserverService.class);

  private PageserverService() {}

  /** A deployed pageserver: where it serves gRPC, and how to stop it (ingest first, then the timelines are closed). */
  public record Handle(String host, int port, String httpDeployment, String busDeployment, String ingestDeployment,
                       Timelines timelines, PageReconstructionVerticle reconstruction,
                       RemoteUploadVerticle uploads, LayerCache layerCache, GcVerticle gc,
                       TenantBusVerticle tenantBus) {
    public Future<Void> undeploy(Vertx vertx) {
      layerCache.stop();
      Future<Void> gcStopped = (gc == null ? Future.<Void>succeededFuture() : vertx.undeploy(gc.deploymentID()))
          .eventually(() -> tenantBus == null ? Future.succeededFuture() : vertx.undeploy(tenantBus.deploymentID()));
      Future<Void> uploadsStopped = gcStopped.eventually(() -> uploads == null ? Future.succeededFuture()
          : vertx.undeploy(uploads.deploymentID()));
      return uploadsStopped.eventually(() -> vertx.undeploy(reconstruction.deploymentID()))
          .eventually(() -> vertx.undeploy(ingestDeployment))
          .eventually(() -> vertx.undeploy(busDeployment))
          .eventually(() -> vertx.undeploy(httpDeployment))
          .eventually(() -> vertx.executeBlocking(() -> {
            timelines.closeAll();
            return null;
          }));
    }
  }

  public static Future<Handle> deploy(Vertx vertx, PageserverConfig config, PrometheusMeterRegistry registry) {
    BusCodecs.registerAll(vertx.eventBus());
    PageserverMetrics metrics = new PageserverMetrics(registry);
    Timelines timelines = new Timelines(config.dataDir());
    RemoteMetrics remoteMetrics = new RemoteMetrics(registry);
    Path remoteStaging = config.dataDir().resolve("remote-staging");
    RemoteStorage[] remote = new RemoteStorage[1];
    // With remote storage, a pageserver whose data directory holds no timeline is rebuilt from it first.
    Future<Void> restored = RemoteStorages.open(vertx, config.remoteStorage(), remoteMetrics).compose(storage -> {
      remote[0] = storage;
      if (storage == null) {
        return Future.succeededFuture();
      }
      return vertx.executeBlocking(() -> RemoteStorages.holdsNoTimeline(config.dataDir()), false)
          .compose(empty -> empty ? new RemoteRestore(vertx, storage, remoteMetrics, timelines, remoteStaging)
              .restoreMissing().<Void>mapEmpty() : Future.<Void>succeededFuture());
    });
    return restored.compose(r -> vertx.executeBlocking(() -> {
      int loaded = timelines.loadAll();
      PgBinaries binaries = config.pgBinDir().isEmpty() ? PgBinaries.fromEnvironment()
          : PgBinaries.installedAt(Path.of(config.pgBinDir()));
      LOG.info("Pageserver holds {} timeline(s) in {}", loaded, config.dataDir().toAbsolutePath());
      return binaries;
    }, false)).compose(binaries -> {
      // Images in remote storage only are downloaded when first read; local ones are evicted beyond the limit.
      LayerCache cache = new LayerCache(vertx, timelines, remote[0], remoteMetrics, registry,
          config.layerCacheBytes(), config.dataDir(), LayerCache.DEFAULT_SYNC_MILLIS);
      return cache.start().compose(started -> deployServices(vertx, config, registry, timelines, metrics,
          remoteMetrics, remote[0], remoteStaging, binaries, cache).onFailure(failed -> cache.stop()));
    });
  }

  /** Once the timelines are loaded and the layer cache knows their images: every verticle of the pageserver. */
  private static Future<Handle> deployServices(Vertx vertx, PageserverConfig config, PrometheusMeterRegistry registry,
                                               Timelines timelines, PageserverMetrics metrics,
                                               RemoteMetrics remoteMetrics, RemoteStorage remote, Path remoteStaging,
                                               PgBinaries binaries, LayerCache cache) {
    timelines.all().forEach(metrics::track);
    metrics.timelinesGauge(() -> timelines.all().size());
    PageReconstructionVerticle reconstruction = new PageReconstructionVerticle(config, timelines,
        new ImageRollForward(binaries, config.imageRollForwardBytes(), new RedoMetrics(registry), cache,
            config.maxDeltaChain()));
    BasebackupService basebackups = new BasebackupService(vertx, timelines, new BasebackupPlanner(timelines),
        metrics, config.basebackupWaitMillis(), cache::pin);
    PagesService pages = new PagesService(vertx, timelines,
        new PageReadChains(vertx, cache::pin, PageReadChains.IDLE_MILLIS), metrics);
    PageserverHttpVerticle http = new PageserverHttpVerticle(config, timelines, basebackups, pages, registry);
    TenantSettings settings = new TenantSettings(config.dataDir());
    Snapshots snapshots = new Snapshots(timelines);
    GcLeases leases = new GcLeases();
    return vertx.deployVerticle(http).compose(httpId ->
        vertx.deployVerticle(new PageserverVerticle(timelines, new TimelineCreator(timelines, binaries), metrics,
                settings, leases))
            .compose(busId -> vertx.deployVerticle(new WalIngestVerticle(config, timelines, metrics))
                .compose(ingestId -> vertx.deployVerticle(reconstruction)
                    .compose(redoId -> deployUploads(vertx, timelines, remote, remoteMetrics, remoteStaging,
                        cache))
                    .compose(uploads -> {
                      GcVerticle gc = new GcVerticle(timelines, settings, leases, uploads, cache,
                          new GcMetrics(registry, () -> snapshotCount(timelines), leases::count),
                          config.gcPeriodMillis());
                      TenantBusVerticle tenantBus = new TenantBusVerticle(timelines, settings, snapshots, uploads);
                      return vertx.deployVerticle(tenantBus).compose(tenantsId -> vertx.deployVerticle(gc))
                          .map(gcId -> new Handle(config.host(), http.actualPort(), httpId, busId, ingestId,
                              timelines, reconstruction, uploads, cache, gc, tenantBus));
                    }))));
  }

  private static int snapshotCount(Timelines timelines) {
    int count = 0;
    for (var timeline : timelines.all()) {
      try {
        count += Snapshots.of(timeline).size();
      } catch (java.io.IOException unreadable) {
        // not counted; GC and listing report it
      }
    }
    return count;
  }

  private static Future<RemoteUploadVerticle> deployUploads(Vertx vertx, Timelines timelines, RemoteStorage storage,
                                                            RemoteMetrics metrics, Path staging, LayerCache cache) {
    if (storage == null) {
      return Future.succeededFuture(null);
    }
    RemoteUploadVerticle uploads = new RemoteUploadVerticle(timelines, storage, metrics, staging,
        RemoteUploadVerticle.DEFAULT_PASS_MILLIS, RemoteUploadVerticle.DEFAULT_CONCURRENCY, cache);
    return vertx.deployVerticle(uploads).map(id -> uploads);
  }
}
