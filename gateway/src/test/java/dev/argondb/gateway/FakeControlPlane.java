package dev.argondb.gateway;

import dev.argondb.bus.BusAddresses;
import dev.argondb.bus.BusErrors;
import dev.argondb.bus.EndpointAddress;
import dev.argondb.bus.RoleVerifier;
import dev.argondb.bus.RoleVerifierLookup;
import dev.argondb.pgruntime.testing.TestPostgres;
import dev.argondb.bus.WakeEndpoint;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Stands in for the control plane's wake handler: every known endpoint "runs" on one test Postgres,
 * any other name is not found. Counts requests, and can hold replies back to model a slow cold start.
 */
final class FakeControlPlane {
  private static final long MAX_HOLD_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final Vertx vertx;
  private final int postgresPort;
  private final Set<String> knownEndpoints;
  private final Map<String, AtomicInteger> wakeRequests = new ConcurrentHashMap<>();
  private volatile BooleanSupplier replyWhen = () -> true;
  private MessageConsumer<WakeEndpoint> consumer;

  private FakeControlPlane(Vertx vertx, int postgresPort, Set<String> knownEndpoints) {
    this.vertx = vertx;
    this.postgresPort = postgresPort;
    this.knownEndpoints = knownEndpoints;
  }

  /**
   * @param verifiers the roles every known endpoint's tenant has, with their verifiers (as in the test
   *                  Postgres's pg_authid, so the gateway's SCRAM login to it works)
   */
  static FakeControlPlane start(Vertx vertx, int postgresPort, Set<String> knownEndpoints,
                                Map<String, String> verifiers) {
    FakeControlPlane fake = new FakeControlPlane(vertx, postgresPort, knownEndpoints);
    fake.consumer = vertx.eventBus().consumer(BusAddresses.ENDPOINT_WAKE, fake::onWake);
    fake.consumer.completion().await();
    vertx.eventBus().<RoleVerifierLookup>consumer(BusAddresses.ROLE_VERIFIER_LOOKUP, request -> {
      String endpoint = request.body().endpointName();
      if (!knownEndpoints.contains(endpoint)) {
        request.fail(BusErrors.NOT_FOUND, "endpoint \"" + endpoint + "\" not found");
      } else {
        request.reply(new RoleVerifier(endpoint, "tenant-test", request.body().roleName(),
            verifiers.get(request.body().roleName())));
      }
    }).completion().await();
    return fake;
  }

  /** The SCRAM verifiers of the test Postgres's login roles, read from pg_authid. */
  static Map<String, String> verifiersOf(TestPostgres postgres) throws java.sql.SQLException {
    Map<String, String> verifiers = new java.util.HashMap<>();
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(postgres.jdbcUrl(), TestPostgres.USER,
        TestPostgres.PASSWORD);
         java.sql.ResultSet rows = c.createStatement().executeQuery(
             "SELECT rolname, rolpassword FROM pg_authid WHERE rolpassword IS NOT NULL")) {
      while (rows.next()) {
        verifiers.put(rows.getString(1), rows.getString(2));
      }
    }
    return verifiers;
  }

  int wakeRequests(String endpoint) {
    AtomicInteger count = wakeRequests.get(endpoint);
    return count == null ? 0 : count.get();
  }

  /**
   * Replies to known endpoints wait until {@code condition} holds once (then all held replies go out),
   * at most 5 s; null replies at once.
   */
  void holdRepliesUntil(BooleanSupplier condition) {
    replyWhen = condition == null ? () -> true : condition;
  }

  private void onWake(Message<WakeEndpoint> request) {
    String name = request.body().endpointName();
    wakeRequests.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
    if (!knownEndpoints.contains(name)) {
      request.fail(BusErrors.NOT_FOUND, "endpoint \"" + name + "\" not found");
      return;
    }
    replyWhenAllowed(request, System.nanoTime());
  }

  private void replyWhenAllowed(Message<WakeEndpoint> request, long receivedNanos) {
    if (replyWhen.getAsBoolean() || System.nanoTime() - receivedNanos > MAX_HOLD_NANOS) {
      replyWhen = () -> true;
      String name = request.body().endpointName();
      request.reply(new EndpointAddress(name, "ep-" + name, "tenant-test", "127.0.0.1", postgresPort, false));
    } else {
      vertx.setTimer(20, id -> replyWhenAllowed(request, receivedNanos));
    }
  }
}
