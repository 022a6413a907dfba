package dev.argondb.controlplane.pageserver;

import dev.argondb.controlplane.db.EndpointStore;
import dev.argondb.controlplane.model.Endpoint;
import dev.argondb.pgformat.Lsn;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every read-only endpoint's LSN from GC: a GC lease on it, taken when the endpoint is created and renewed
 * every {@link #RENEW_MILLIS}, well inside the lease's {@link #LEASE_MILLIS} (Neon's computes renew theirs the same
 * way). Without it the PITR window would pass the LSN and the endpoint could no longer start.
 */
public final class ReadOnlyEndpointLeases extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ReadOnlyEndpointLeases.class);
  /** The pageserver's longest lease. */
  public static final long LEASE_MILLIS = 10 * 60_000;
  static final long RENEW_MILLIS = 60_000;

  private final EndpointStore endpoints;
  private final PageserverTimelines pageserver;

  public ReadOnlyEndpointLeases(EndpointStore endpoints, PageserverTimelines pageserver) {
    this.endpoints = endpoints;
    this.pageserver = pageserver;
  }

  @Override
  public Future<?> start() {
    renewAll();
    vertx.setPeriodic(RENEW_MILLIS, id -> renewAll());
    return Future.succeededFuture();
  }

  /** Renews the lease of every read-only endpoint; completes with how many were renewed (failures are logged). */
  public Future<Integer> renewAll() {
    return endpoints.list().compose(list -> {
      List<Future<?>> renewed = new ArrayList<>();
      for (Endpoint endpoint : list) {
        if (endpoint.readOnly() && endpoint.lsn() != null) {
          renewed.add(pageserver.checkLsn(endpoint.tenantId(), endpoint.timelineId(), Lsn.parse(endpoint.lsn()),
                  LEASE_MILLIS)
              .onFailure(failure -> LOG.warn("GC lease of read-only endpoint {} at {} not renewed: {}",
                  endpoint.name(), endpoint.lsn(), failure.getMessage())));
        }
      }
      return Future.join(renewed).transform(done ->
          Future.succeededFuture((int) renewed.stream().filter(Future::succeeded).count()));
    });
  }
}
