package dev.argondb.cli.stack;

import dev.argondb.bus.SafekeeperRef;
import dev.argondb.cli.ArgonHome;
import dev.argondb.cli.LocalStackSettings;
import dev.argondb.cli.roles.ServiceRoles;
import dev.argondb.safekeeper.SafekeeperConfig;
import dev.argondb.safekeeper.SafekeeperService;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The local stack's safekeepers (sk1..skN), each with its own data directory and port, and the
 * means to stop one at once and start it again, as if its process died and came back.
 */
public final class LocalSafekeepers {
  private final Vertx vertx;
  private final ArgonHome home;
  private final LocalStackSettings settings;
  private final PrometheusMeterRegistry registry;
  private final Map<String, SafekeeperService.Handle> running = new LinkedHashMap<>();

  public LocalSafekeepers(Vertx vertx, ArgonHome home, LocalStackSettings settings, PrometheusMeterRegistry registry) {
    this.vertx = vertx;
    this.home = home;
    this.settings = settings;
    this.registry = registry;
  }

  public Future<List<SafekeeperRef>> startAll() {
    List<Future<SafekeeperRef>> started = new ArrayList<>();
    for (String id : settings.safekeeperIds()) {
      started.add(start(id));
    }
    return Future.all(started).map(all -> started.stream().map(Future::result).toList());
  }

  public List<String> ids() {
    return settings.safekeeperIds();
  }

  public boolean isRunning(String id) {
    return running.containsKey(id);
  }

  public SafekeeperRef ref(String id) {
    return new SafekeeperRef(id, "127.0.0.1", settings.safekeeperHttpPorts().get(settings.safekeeperIds().indexOf(id)));
  }

  public Future<SafekeeperRef> start(String id) {
    int index = settings.safekeeperIds().indexOf(id);
    if (index < 0) {
      return Future.failedFuture("no safekeeper " + id + " (this stack has " + settings.safekeeperIds() + ")");
    }
    if (running.containsKey(id)) {
      return Future.succeededFuture(running.get(id).ref());
    }
    SafekeeperConfig config = new SafekeeperConfig(id, home.safekeeperDir(id), "127.0.0.1",
        settings.safekeeperHttpPorts().get(index), settings.walQuorum());
    return ServiceRoles.SAFEKEEPER.deploy(vertx, config, registry).map(handle -> {
      running.put(id, handle);
      return handle.ref();
    });
  }

  public Future<Void> stop(String id) {
    SafekeeperService.Handle handle = running.remove(id);
    if (handle == null) {
      return settings.safekeeperIds().contains(id) ? Future.succeededFuture()
          : Future.failedFuture("no safekeeper " + id + " (this stack has " + settings.safekeeperIds() + ")");
    }
    return handle.undeploy(vertx);
  }
}
