package dev.argondb.controlplane.lifecycle;

import dev.argondb.bus.Bus;
import dev.argondb.bus.BusAddresses;
import dev.argondb.bus.BusErrors;
import dev.argondb.bus.ComputeStarted;
import dev.argondb.bus.ComputeState;
import dev.argondb.bus.ComputeStateChanged;
import dev.argondb.bus.ComputeStopped;
import dev.argondb.bus.EndpointAddress;
import dev.argondb.bus.StartCompute;
import dev.argondb.bus.StopCompute;
import dev.argondb.bus.WakeEndpoint;
import dev.argondb.bus.FollowCompute;
import dev.argondb.bus.SafekeeperStarted;
import dev.argondb.bus.TermStart;
import dev.argondb.bus.WalSource;
import dev.argondb.bus.BasebackupSource;
import dev.argondb.bus.PageserverRef;
import dev.argondb.controlplane.wal.PageserverIngest;
import dev.argondb.pgformat.Lsn;
import dev.argondb.scram.ScramVerifier;
import dev.argondb.controlplane.model.Ids;
import dev.argondb.controlplane.wal.SafekeeperFollowers;
import dev.argondb.controlplane.wal.TimelineElection;
import java.util.List;
import dev.argondb.controlplane.ControlPlaneAddresses;
import dev.argondb.controlplane.ControlPlaneError;
import dev.argondb.controlplane.ControlPlaneMetrics;
import dev.argondb.controlplane.ControlPlaneMetrics.SuspendOutcome;
import dev.argondb.controlplane.ControlPlaneMetrics.SuspendTrigger;
import dev.argondb.controlplane.ControlPlaneMetrics.WakeOutcome;
import dev.argondb.controlplane.db.EndpointStore;
import dev.argondb.controlplane.db.RoleStore;
import dev.argondb.controlplane.model.Endpoint;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns every compute start and stop of the control plane's endpoints: serves wakes
 * ({@link BusAddresses#ENDPOINT_WAKE}), suspends (from the idle policy and the REST API) and keeps endpoint
 * rows in step with {@link BusAddresses#COMPUTE_STATE} events.
 *
 * <p>Deploy exactly one instance: all state transitions run on its event loop, which is what makes the
 * in-flight maps below safe. Concurrent wakes of one endpoint share one start; a wake that finds a
 * suspend in progress waits for it and then starts the compute again; an idle suspend never interrupts
 * a wake.
 */
public final class EndpointLifecycleVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(EndpointLifecycleVerticle.class);
  /** The role safekeepers log in as to stream WAL; its password is new at every compute start. */
  static final String REPLICATION_USER = "argon_replication";
  private static final long FOLLOW_RESEND_MILLIS = 5_000;
  /** How long a suspend waits for the safekeepers to hold the stopped compute's last WAL. */
  private static final long WAL_DRAIN_MILLIS = 10_000;

  /**
   * What a compute starts from: its data directory (a pageserver basebackup; null without a pageserver),
   * where its WAL goes (null without safekeepers and for a read-only endpoint) and the secret the
   * safekeepers log in with.
   */
  private record StartPlan(BasebackupSource basebackup, WalSource wal, String replicationPassword) {
    static final StartPlan LOCAL = new StartPlan(null, null, null);
  }

  private final EndpointStore endpoints;
  private final RoleStore roles;
  private final ControlPlaneMetrics metrics;
  private final long computeTimeoutMillis;
  /** Null when the deployment has no safekeepers: computes then keep their WAL locally. */
  private final TimelineElection election;
  private final SafekeeperFollowers followers;
  /** Null when the deployment has no pageserver (then it has no safekeepers either). */
  private final PageserverRef pageserver;
  private final PageserverIngest pageserverIngest;
  /** Wake in progress per endpoint id; later wakes of the same endpoint join it. */
  private final Map<String, Future<EndpointAddress>> wakes = new HashMap<>();
  /** Last suspend queued per endpoint id; a wake waits for it. */
  private final Map<String, Future<ComputeStopped>> suspends = new HashMap<>();

  /**
   * @param computeTimeoutMillis how long to wait for the compute agent to start or stop a compute
   */
  public EndpointLifecycleVerticle(EndpointStore endpoints, RoleStore roles, ControlPlaneMetrics metrics,
                                   long computeTimeoutMillis, TimelineElection election,
                                   SafekeeperFollowers followers, PageserverRef pageserver,
                                   PageserverIngest pageserverIngest) {
    this.endpoints = endpoints;
    this.roles = roles;
    this.metrics = metrics;
    this.computeTimeoutMillis = computeTimeoutMillis;
    this.election = election;
    this.followers = followers;
    this.pageserver = pageserver;
    this.pageserverIngest = pageserverIngest;
  }

  @Override
  public Future<?> start() {
    EventBus bus = vertx.eventBus();
    if (followers != null) {
      bus.<SafekeeperStarted>consumer(BusAddresses.SAFEKEEPER_STARTED, started -> followers.resendAll());
      vertx.setPeriodic(FOLLOW_RESEND_MILLIS, id -> followers.resendAll());
    }
    // Before the first wake: a wake must not be answered with the address of a compute that went with a
    // previous run of the stack.
    Future<Integer> forgotten = VanishedComputes.forget(vertx, endpoints).otherwise(failure -> {
      LOG.warn("Could not check which recorded computes still run: {}", failure.getMessage());
      return 0;
    });
    return forgotten.compose(count -> Future.all(
        bus.<WakeEndpoint>consumer(BusAddresses.ENDPOINT_WAKE, this::onWake).completion(),
        bus.<StopCompute>localConsumer(ControlPlaneAddresses.ENDPOINT_SUSPEND, this::onSuspend).completion(),
        bus.<String>localConsumer(ControlPlaneAddresses.ENDPOINT_DELETE, this::onDelete).completion(),
        bus.<ComputeStateChanged>consumer(BusAddresses.COMPUTE_STATE, this::onComputeState).completion()));
  }

  private void onWake(Message<WakeEndpoint> message) {
    long begin = System.nanoTime();
    String name = message.body().endpointName();
    endpoints.getByName(name)
        .compose(endpoint -> wake(endpoint.id()))
        .recover(failure -> failure instanceof ControlPlaneError error && error.status() == BusErrors.NOT_FOUND
            // Deleted while this wake waited for an operation queued before it.
            ? Future.failedFuture(ControlPlaneError.notFound("endpoint \"" + name + "\" not found"))
            : Future.failedFuture(failure))
        .onSuccess(address -> {
          metrics.wakeAnswered(address.started() ? WakeOutcome.STARTED : WakeOutcome.ALREADY_RUNNING,
              System.nanoTime() - begin);
          vertx.eventBus().publish(ControlPlaneAddresses.ENDPOINT_WOKEN, name);
          message.reply(address);
        })
        .onFailure(failure -> {
          int code = failure instanceof ControlPlaneError error ? error.status() : BusErrors.INTERNAL;
          metrics.wakeAnswered(code == BusErrors.NOT_FOUND ? WakeOutcome.NOT_FOUND : WakeOutcome.FAILED,
              System.nanoTime() - begin);
          if (code == BusErrors.INTERNAL) {
            LOG.error("Wake of endpoint \"{}\" failed", name, failure);
          }
          message.fail(code, failure.getMessage());
        });
  }

  private Future<EndpointAddress> wake(String id) {
    Future<EndpointAddress> inFlight = wakes.get(id);
    if (inFlight != null) {
      return inFlight;
    }
    // Re-read the row inside the shared operation: a snapshot taken before it may predate a start or stop.
    Future<EndpointAddress> wake = afterSuspend(id)
        .compose(ignored -> endpoints.getById(id))
        .compose(endpoint -> endpoint.isReachable()
            ? Future.succeededFuture(address(endpoint, endpoint.host(), endpoint.port(), false))
            : startCompute(endpoint));
    track(wakes, id, wake);
    return wake;
  }

  private Future<Void> afterSuspend(String id) {
    Future<ComputeStopped> suspend = suspends.get(id);
    return suspend == null ? Future.succeededFuture() : suspend.transform(ignored -> Future.succeededFuture());
  }

  private Future<EndpointAddress> startCompute(Endpoint endpoint) {
    long begin = System.nanoTime();
    LOG.info("Starting compute of endpoint \"{}\" ({}) in state {}", endpoint.name(), endpoint.id(),
        endpoint.state().label());
    return endpoints.setState(endpoint.id(), ComputeState.STARTING, null, null)
        .compose(stored -> roles.specsOfTenant(endpoint.tenantId()))
        .compose(roleSpecs -> planStart(endpoint).compose(plan -> Bus.request(vertx.eventBus(),
                BusAddresses.COMPUTE_START, new StartCompute(endpoint.id(), endpoint.name(), endpoint.tenantId(),
                    endpoint.timelineId(), roleSpecs, plan.wal(), plan.basebackup()),
                ComputeStarted.class, computeTimeoutMillis)
            .compose(started -> followCompute(endpoint, plan, started).map(started))))
        .compose(started -> {
          metrics.computeStarted(System.nanoTime() - begin);
          LOG.info("Endpoint \"{}\" running at {}:{} (agent start {} ms{})", endpoint.name(), started.host(),
              started.port(), started.startMillis(), started.alreadyRunning() ? ", was already running" : "");
          return endpoints.setState(endpoint.id(), ComputeState.RUNNING, started.host(), started.port())
              .map(stored -> address(endpoint, started.host(), started.port(), true));
        })
        .recover(failure -> {
          LOG.warn("Could not start endpoint \"{}\": {}", endpoint.name(), failure.getMessage());
          ControlPlaneError error = ControlPlaneError.unavailable(
              "could not start endpoint \"" + endpoint.name() + "\": " + agentFailure(failure));
          return endpoints.setState(endpoint.id(), ComputeState.FAILED, null, null)
              .transform(stored -> Future.failedFuture(error));
        });
  }

  private Future<StartPlan> planStart(Endpoint endpoint) {
    if (endpoint.readOnly()) {
      if (pageserver == null) {
        return Future.failedFuture(ControlPlaneError.badRequest("read-only endpoints need a pageserver"));
      }
      return Future.succeededFuture(new StartPlan(new BasebackupSource(pageserver, Lsn.parse(endpoint.lsn()), true),
          null, null));
    }
    if (election == null) {
      return Future.succeededFuture(StartPlan.LOCAL);
    }
    // PBKDF2 of the new replication secret runs on a worker while the safekeepers are asked.
    String password = Ids.newId() + Ids.newId();
    Future<String> verifier = vertx.executeBlocking(() -> ScramVerifier.generate(password), false);
    Future<TimelineElection.Election> elected = election.elect(endpoint.tenantId(), endpoint.timelineId())
        .compose(election -> election.endLsn() > 0 ? Future.succeededFuture(election)
            : createOnSafekeepers(endpoint, election.term()));
    return Future.all(verifier, elected).map(both -> {
      TimelineElection.Election chosen = elected.result();
      WalSource wal = new WalSource(chosen.term(), chosen.history(), chosen.endLsn(), chosen.donor(),
          followers.safekeeperIds(), election.quorum(), REPLICATION_USER, verifier.result());
      return new StartPlan(new BasebackupSource(pageserver, chosen.endLsn(), false), wal, password);
    });
  }

  /**
   * The timeline's first compute: its WAL starts where the pageserver's copy of it does (initdb's
   * checkpoint, or a branch's ancestor LSN), so a quorum of safekeepers creates it there first.
   */
  private Future<TimelineElection.Election> createOnSafekeepers(Endpoint endpoint, long term) {
    return pageserverIngest.startLsn(endpoint.tenantId(), endpoint.timelineId())
        .compose(startLsn -> election.createTimeline(endpoint.tenantId(), endpoint.timelineId(), term, startLsn)
            .map(history -> new TimelineElection.Election(term, history, startLsn, null)));
  }

  /** Has the safekeepers stream from the started compute, and the pageserver ingest from them. */
  private Future<Void> followCompute(Endpoint endpoint, StartPlan plan, ComputeStarted started) {
    WalSource wal = plan.wal();
    if (wal == null || started.alreadyRunning()) {
      return Future.succeededFuture();
    }
    return followers.follow(endpoint.id(), new FollowCompute(endpoint.tenantId(), endpoint.timelineId(), wal.term(),
            wal.termHistory(), wal.endLsn(), wal.donor(), started.host(), started.port(), REPLICATION_USER,
            plan.replicationPassword()))
        .compose(following -> pageserverIngest.follow(endpoint.tenantId(), endpoint.timelineId()).<Void>mapEmpty())
        .recover(failure -> {
          // The safekeepers retry from the resend timer; COMMITs wait until a quorum streams.
          LOG.warn("Endpoint \"{}\": {}", endpoint.name(), failure.getMessage());
          return Future.succeededFuture();
        });
  }

  /** The bus says "No handlers for address argon.compute.start"; an operator needs to know which service is down. */
  private static String agentFailure(Throwable failure) {
    return failure instanceof io.vertx.core.eventbus.ReplyException reply
        && reply.failureType() == io.vertx.core.eventbus.ReplyFailure.NO_HANDLERS
        ? "no compute agent is reachable" : failure.getMessage();
  }

  private void onSuspend(Message<StopCompute> message) {
    replyWith(message, suspend(message.body().endpointId(), message.body().onlyIfIdle()));
  }

  private void onDelete(Message<String> message) {
    replyWith(message, delete(message.body()));
  }

  private static void replyWith(Message<?> message, Future<ComputeStopped> outcome) {
    outcome
        .onSuccess(message::reply)
        .onFailure(failure -> message.fail(
            failure instanceof ControlPlaneError error ? error.status() : BusErrors.INTERNAL, failure.getMessage()));
  }

  private Future<ComputeStopped> suspend(String id, boolean onlyIfIdle) {
    Future<ComputeStopped> inFlight = suspends.get(id);
    Future<EndpointAddress> wake = wakes.get(id);
    if (onlyIfIdle && wake != null) {
      // Someone is connecting right now: the endpoint is not idle.
      return Future.succeededFuture(new ComputeStopped(id, false, "a wake is in progress", 0));
    }
    if (onlyIfIdle && inFlight != null) {
      return inFlight;
    }
    // An explicit stop waits for whatever runs before it (a wake, another suspend), then stops.
    Future<ComputeStopped> suspend = lastOperation(id)
        .transform(ignored -> endpoints.getById(id))
        .compose(endpoint -> stopCompute(endpoint, onlyIfIdle));
    track(suspends, id, suspend);
    return suspend;
  }

  /**
   * Stops the compute, then deletes the endpoint. An endpoint without a running compute is deleted even
   * when the compute agent cannot be reached (a failed compute has nothing to stop that clients could use).
   */
  private Future<ComputeStopped> delete(String id) {
    Future<ComputeStopped> delete = lastOperation(id)
        .transform(ignored -> endpoints.getById(id))
        .compose(endpoint -> stopCompute(endpoint, false)
            .recover(failure -> endpoint.isReachable()
                ? Future.failedFuture(failure)
                : Future.succeededFuture(new ComputeStopped(id, false, failure.getMessage(), 0)))
            .compose(outcome -> endpoints.delete(id).map(outcome))
            .onSuccess(outcome -> LOG.info("Deleted endpoint \"{}\" ({})", endpoint.name(), id)));
    track(suspends, id, delete);
    return delete;
  }

  /** The operation a new one must wait for: a wake in progress, else the last queued suspend. */
  private Future<?> lastOperation(String id) {
    Future<EndpointAddress> wake = wakes.get(id);
    if (wake != null) {
      return wake;
    }
    Future<ComputeStopped> suspend = suspends.get(id);
    return suspend != null ? suspend : Future.succeededFuture();
  }

  private Future<ComputeStopped> stopCompute(Endpoint endpoint, boolean onlyIfIdle) {
    String id = endpoint.id();
    ComputeState previous = endpoint.state();
    if (previous == ComputeState.SUSPENDED) {
      return Future.succeededFuture(new ComputeStopped(id, true, "already suspended", 0));
    }
    if (onlyIfIdle && !endpoint.isReachable()) {
      return Future.succeededFuture(new ComputeStopped(id, false, "not running (" + previous.label() + ")", 0));
    }
    SuspendTrigger trigger = onlyIfIdle ? SuspendTrigger.IDLE : SuspendTrigger.API;
    return endpoints.setState(id, ComputeState.SUSPENDING, endpoint.host(), endpoint.port())
        .compose(stored -> Bus.request(vertx.eventBus(), BusAddresses.COMPUTE_STOP, new StopCompute(id, onlyIfIdle),
            ComputeStopped.class, computeTimeoutMillis))
        .compose(outcome -> {
          if (outcome.stopped()) {
            metrics.suspendFinished(trigger, SuspendOutcome.SUSPENDED);
            Future<Void> drained = followers == null || endpoint.readOnly() ? Future.succeededFuture()
                : followers.stop(id, outcome.endLsn(), WAL_DRAIN_MILLIS);
            return drained.transform(ignored -> endpoints.setState(id, ComputeState.SUSPENDED, null, null))
                .map(outcome);
          }
          // Busy (a direct connection or a running query): it keeps running, and counts as active again.
          metrics.suspendFinished(trigger, SuspendOutcome.BUSY);
          return endpoints.setState(id, previous, endpoint.host(), endpoint.port()).map(outcome);
        })
        .recover(failure -> {
          metrics.suspendFinished(trigger, SuspendOutcome.FAILED);
          LOG.warn("Could not stop endpoint \"{}\": {}", endpoint.name(), failure.getMessage());
          ControlPlaneError error = ControlPlaneError.unavailable(
              "could not stop endpoint \"" + endpoint.name() + "\": " + failure.getMessage());
          return endpoints.setState(id, previous, endpoint.host(), endpoint.port())
              .transform(stored -> Future.failedFuture(error));
        });
  }

  private void onComputeState(Message<ComputeStateChanged> message) {
    ComputeStateChanged event = message.body();
    String id = event.endpointId();
    Integer port = event.port() > 0 ? event.port() : null;
    Future<?> inFlight = wakes.containsKey(id) ? wakes.get(id) : suspends.get(id);
    if (inFlight == null) {
      LOG.info("Compute of endpoint {} is {}{}", id, event.state().label(),
          event.detail() == null ? "" : ": " + event.detail());
      if (followers != null && (event.state() == ComputeState.FAILED || event.state() == ComputeState.SUSPENDED)) {
        // It died or was stopped outside this verticle (its agent crashed): nothing to stream from anymore.
        followers.stop(id, 0, 0);
      }
      endpoints.setState(id, event.state(), event.host(), port)
          .onFailure(failure -> LOG.warn("Could not record state of endpoint {}: {}", id, failure.getMessage()));
      return;
    }
    // While this verticle starts or stops the compute, the operation's outcome is the truth and events
    // are mostly its echoes. A compute that ends up dead is not: apply that once the operation is over,
    // if the endpoint was left running.
    if (event.state() == ComputeState.FAILED || event.state() == ComputeState.SUSPENDED) {
      inFlight.onComplete(done -> endpoints.setStateIf(id, ComputeState.RUNNING, event.state(), null, null)
          .onSuccess(applied -> {
            if (applied) {
              LOG.warn("Compute of endpoint {} is {} right after an operation{}", id, event.state().label(),
                  event.detail() == null ? "" : ": " + event.detail());
            }
          }));
    }
  }

  private static EndpointAddress address(Endpoint endpoint, String host, int port, boolean started) {
    return new EndpointAddress(endpoint.name(), endpoint.id(), endpoint.tenantId(), host, port, started);
  }

  private static <T> void track(Map<String, Future<T>> inFlight, String id, Future<T> operation) {
    inFlight.put(id, operation);
    operation.onComplete(done -> inFlight.remove(id, operation));
  }
}
