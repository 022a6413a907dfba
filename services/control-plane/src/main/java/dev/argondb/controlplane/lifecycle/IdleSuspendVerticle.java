package dev.argondb.controlplane.lifecycle;

import dev.argondb.bus.Bus;
import dev.argondb.bus.BusAddresses;
import dev.argondb.bus.ComputeStopped;
import dev.argondb.bus.EndpointConnections;
import dev.argondb.bus.StopCompute;
import dev.argondb.controlplane.ControlPlaneAddresses;
import dev.argondb.controlplane.db.EndpointStore;
import dev.argondb.controlplane.model.Endpoint;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The idle-suspend policy: an endpoint that is running, has a suspend timeout, no client connection on
 * any gateway and no activity for at least the timeout gets suspended. Activity is every gateway
 * connection-count event and every wake. The suspend itself goes to the endpoint lifecycle verticle
 * with "only if idle", so the compute agent still refuses when a client is connected directly.
 */
public final class IdleSuspendVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(IdleSuspendVerticle.class);
  /** How often activity times are written to the database (they are for display and restarts only). */
  static final long ACTIVITY_SAVE_INTERVAL_MILLIS = 10_000;

  private final EndpointStore endpoints;
  private final long checkIntervalMillis;
  private final long suspendTimeoutMillis;
  private final ActivityTracker activity = new ActivityTracker();
  /** Endpoints this verticle asked to suspend and has no answer for yet. */
  private final Set<String> suspending = new HashSet<>();
  private boolean checking;
  private long checkTimer = -1;
  private long saveTimer = -1;

  /**
   * @param suspendRequestTimeoutMillis how long to wait for a suspend (the compute agent's stop included)
   */
  public IdleSuspendVerticle(EndpointStore endpoints, long checkIntervalMillis, long suspendRequestTimeoutMillis) {
    this.endpoints = endpoints;
    this.checkIntervalMillis = checkIntervalMillis;
    this.suspendTimeoutMillis = suspendRequestTimeoutMillis;
  }

  @Override
  public Future<?> start() {
    EventBus bus = vertx.eventBus();
    Future<Void> activityConsumer = bus.<EndpointConnections>consumer(BusAddresses.GATEWAY_ACTIVITY,
        message -> activity.connectionsChanged(message.body(), System.currentTimeMillis())).completion();
    Future<Void> wakeConsumer = bus.<String>localConsumer(ControlPlaneAddresses.ENDPOINT_WOKEN,
        message -> activity.activity(message.body(), System.currentTimeMillis())).completion();
    checkTimer = vertx.setPeriodic(checkIntervalMillis, tick -> checkIdleEndpoints());
    saveTimer = vertx.setPeriodic(ACTIVITY_SAVE_INTERVAL_MILLIS, tick -> saveActivity());
    return Future.all(activityConsumer, wakeConsumer);
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(checkTimer);
    vertx.cancelTimer(saveTimer);
    return saveActivity();
  }

  private void checkIdleEndpoints() {
    if (checking) {
      return; // the previous check is still waiting for the database
    }
    checking = true;
    endpoints.listSuspendable()
        .onComplete(result -> checking = false)
        .onSuccess(this::suspendIdle)
        .onFailure(failure -> LOG.warn("Idle check failed: {}", failure.getMessage()));
  }

  private void suspendIdle(List<Endpoint> running) {
    long now = System.currentTimeMillis();
    for (Endpoint endpoint : running) {
      String name = endpoint.name();
      if (suspending.contains(name) || activity.connections(name) > 0) {
        continue;
      }
      long persisted = endpoint.lastActiveAt() == null ? now : endpoint.lastActiveAt().toEpochMilli();
      long idleMillis = now - activity.lastActivityMillis(name, persisted);
      if (idleMillis >= endpoint.suspendTimeoutSeconds() * 1000L) {
        suspend(endpoint, idleMillis);
      }
    }
  }

  private void suspend(Endpoint endpoint, long idleMillis) {
    String name = endpoint.name();
    suspending.add(name);
    Bus.request(vertx.eventBus(), ControlPlaneAddresses.ENDPOINT_SUSPEND, new StopCompute(endpoint.id(), true),
            ComputeStopped.class, suspendTimeoutMillis)
        .onComplete(result -> suspending.remove(name))
        .onSuccess(outcome -> {
          if (outcome.stopped()) {
            LOG.info("Suspended endpoint \"{}\" after {} s idle (timeout {} s)", name,
                String.format("%.1f", idleMillis / 1000.0), endpoint.suspendTimeoutSeconds());
          } else {
            LOG.info("Endpoint \"{}\" idle for {} ms stays up: {}", name, idleMillis, outcome.reason());
            // Busy counts as activity: look again after a full timeout rather than at every check.
            activity.activity(name, System.currentTimeMillis());
          }
        })
        .onFailure(failure -> {
          LOG.warn("Could not suspend idle endpoint \"{}\": {}", name, failure.getMessage());
          activity.activity(name, System.currentTimeMillis());
        });
  }

  private Future<Void> saveActivity() {
    Map<String, Long> toSave = activity.drainUnsaved(System.currentTimeMillis());
    List<Future<Void>> writes = toSave.entrySet().stream()
        .map(entry -> endpoints.recordActivity(entry.getKey(), Instant.ofEpochMilli(entry.getValue())))
        .toList();
    return Future.join(writes)
        .onFailure(failure -> LOG.warn("Could not save endpoint activity: {}", failure.getMessage()))
        .<Void>mapEmpty()
        .recover(failure -> Future.succeededFuture());
  }
}
