package dev.argondb.gateway;

import dev.argondb.bus.BusAddresses;
import dev.argondb.bus.BusErrors;
import dev.argondb.bus.EndpointAddress;
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

  static FakeControlPlane start(Vertx vertx, int postgresPort, Set<String> knownEndpoints) {
    FakeControlPlane fake = new FakeControlPlane(vertx, postgresPort, knownEndpoints);
    fake.consumer = vertx.eventBus().consumer(BusAddresses.ENDPOINT_WAKE, fake::onWake);
    fake.consumer.completion().await();
    return fake;
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
