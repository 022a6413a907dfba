package dev.argondb.controlplane.pageserver;

import dev.argondb.controlplane.db.TenantStore;
import dev.argondb.controlplane.model.Tenant;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends every tenant's settings to the pageserver when the control plane starts and again every
 * {@link #RESEND_MILLIS} (a pageserver started later, or rebuilt, learns them; resending is harmless).
 */
public final class TenantSettingsSync extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(TenantSettingsSync.class);
  static final long RESEND_MILLIS = 60_000;

  private final TenantStore tenants;
  private final PageserverTimelines pageserver;

  public TenantSettingsSync(TenantStore tenants, PageserverTimelines pageserver) {
    this.tenants = tenants;
    this.pageserver = pageserver;
  }

  @Override
  public Future<?> start() {
    sendAll();
    vertx.setPeriodic(RESEND_MILLIS, id -> sendAll());
    return Future.succeededFuture();
  }

  /** Sends each tenant's settings; a failure is logged and the next round tries again. */
  public Future<Void> sendAll() {
    return tenants.list().compose(list -> {
      List<Future<?>> sent = new ArrayList<>();
      for (Tenant tenant : list) {
        sent.add(pageserver.configureTenant(tenant.id(), tenant.pitrIntervalSeconds())
            .onFailure(failure -> LOG.debug("Tenant {} settings not sent to the pageserver yet: {}", tenant.id(),
                failure.getMessage())));
      }
      return Future.join(sent).<Void>mapEmpty().recover(some -> Future.succeededFuture());
    });
  }
}
