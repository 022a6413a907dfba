package dev.argondb.pageserver.gc;

import dev.argondb.bus.BusAddresses;
import dev.argondb.bus.PageserverCreateSnapshot;
import dev.argondb.bus.PageserverDeleteSnapshot;
import dev.argondb.bus.PageserverListSnapshots;
import dev.argondb.bus.PageserverSnapshots;
import dev.argondb.bus.PageserverTenantConfig;
import dev.argondb.pageserver.BusReplies;
import dev.argondb.pageserver.remote.RemoteKeys;
import dev.argondb.pageserver.remote.RemoteUploadVerticle;
import dev.argondb.pageserver.timeline.Timelines;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A tenant's settings and snapshots on the bus: {@link PageserverTenantConfig} (stored locally and copied to remote
 * storage, from where a rebuilt pageserver takes them back at start) and snapshot create, list and delete. Blocking
 * work runs on workers; changes are ordered.
 */
public final class TenantBusVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(TenantBusVerticle.class);

  private final Timelines timelines;
  private final TenantSettings settings;
  private final Snapshots snapshots;
  /** Null without remote storage. */
  private final RemoteUploadVerticle uploads;

  public TenantBusVerticle(Timelines timelines, TenantSettings settings, Snapshots snapshots,
                           RemoteUploadVerticle uploads) {
    this.timelines = timelines;
    this.settings = settings;
    this.snapshots = snapshots;
    this.uploads = uploads;
  }

  @Override
  public Future<?> start() {
    EventBus bus = vertx.eventBus();
    return restoreTenantSettings().compose(restored -> Future.all(
        bus.<PageserverTenantConfig>consumer(BusAddresses.PAGESERVER_TENANT_CONFIG, this::configure).completion(),
        bus.<PageserverCreateSnapshot>consumer(BusAddresses.PAGESERVER_SNAPSHOT_CREATE, m -> BusReplies.reply(m,
            vertx.executeBlocking(() -> snapshots.create(m.body().tenantId(), m.body().timelineId(), m.body().name(),
                m.body().lsn()), true))).completion(),
        bus.<PageserverListSnapshots>consumer(BusAddresses.PAGESERVER_SNAPSHOT_LIST, m -> BusReplies.reply(m,
            vertx.executeBlocking(() -> new PageserverSnapshots(m.body().tenantId(),
                snapshots.list(m.body().tenantId())), false))).completion(),
        bus.<PageserverDeleteSnapshot>consumer(BusAddresses.PAGESERVER_SNAPSHOT_DELETE, m -> BusReplies.reply(m,
            vertx.executeBlocking(() -> snapshots.delete(m.body().tenantId(), m.body().name()), true)))
            .completion()));
  }

  /** Sets a tenant's settings and copies them to remote storage (a rebuilt pageserver reads them back). */
  private void configure(Message<PageserverTenantConfig> message) {
    BusReplies.reply(message, vertx.executeBlocking(() -> settings.set(message.body()), true).compose(stored -> {
      if (uploads == null) {
        return Future.succeededFuture(stored);
      }
      byte[] json = TenantSettings.toJson(stored).encodePrettily().getBytes(StandardCharsets.UTF_8);
      return uploads.storage().putBytes(RemoteKeys.TENANTS + stored.tenantId() + "/" + TenantSettings.FILE, json)
          .map(put -> stored);
    }));
  }

  /** A rebuilt pageserver takes each tenant's settings back from remote storage. */
  private Future<Void> restoreTenantSettings() {
    if (uploads == null) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> {
      Set<String> missing = new HashSet<>();
      timelines.all().forEach(t -> missing.add(t.tenantId()));
      missing.removeIf(tenant -> Files.exists(settings.fileOf(tenant)));
      return missing;
    }, false).compose(missing -> {
      List<Future<?>> reads = new ArrayList<>();
      for (String tenant : missing) {
        reads.add(uploads.storage().getBytes(RemoteKeys.TENANTS + tenant + "/" + TenantSettings.FILE)
            .compose(bytes -> vertx.executeBlocking(() -> settings.set(TenantSettings.fromJson(tenant,
                new JsonObject(new String(bytes, StandardCharsets.UTF_8)))), false))
            .onSuccess(config -> LOG.info("Restored the settings of tenant {} from remote storage", tenant))
            .recover(none -> Future.succeededFuture()));
      }
      return Future.join(reads).mapEmpty();
    });
  }
}
