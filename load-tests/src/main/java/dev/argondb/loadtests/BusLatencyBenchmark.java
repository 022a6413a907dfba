package dev.argondb.loadtests;

import dev.argondb.bus.Bus;
import dev.argondb.bus.BusAddresses;
import dev.argondb.bus.BusCodecs;
import dev.argondb.bus.EndpointAddress;
import dev.argondb.bus.WakeEndpoint;
import dev.argondb.cli.StackProcess;
import dev.argondb.cli.stack.ClusterSettings;
import dev.argondb.cli.stack.ClusterVertx;
import dev.argondb.pgruntime.FreePorts;
import dev.argondb.observability.ProcessMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Event-bus request/reply overhead, as on the wake path (gateway → control plane: {@link WakeEndpoint} →
 * {@link EndpointAddress}): a responder that answers at once, reached within one JVM (local delivery on a
 * clustered Vert.x) and from a second JVM over Hazelcast TCP on loopback. Latency is sequential requests;
 * throughput keeps {@value #IN_FLIGHT} requests in flight.
 *
 * <p>Usage: {@code load-tests/run bus-latency [REQUESTS]} (default 20000).
 */
public final class BusLatencyBenchmark {
  private static final int IN_FLIGHT = 64;
  private static final String RESPONDER = "responder";
  private static final long TIMEOUT_MILLIS = 10_000;

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals(RESPONDER)) {
      runResponder(args);
      return;
    }
    int requests = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    String cluster = "argon-bench-bus-" + ProcessHandle.current().pid();
    int localPort = FreePorts.pick();
    int remotePort = FreePorts.pick();
    List<String> members = List.of("127.0.0.1:" + localPort, "127.0.0.1:" + remotePort);

    ProcessMetrics metrics = new ProcessMetrics();
    Vertx vertx = ClusterVertx.start(new ClusterSettings(cluster, "127.0.0.1", localPort, members), metrics).await();
    BusCodecs.registerAll(vertx.eventBus());
    Result oneJvm;
    Result twoJvms;
    var responder = answerWakes(vertx);
    responder.completion().await();
    try {
      oneJvm = measure(vertx, requests);
    } finally {
      responder.unregister().await();
    }
    Process remote = startRemoteResponder(cluster, remotePort, members);
    try {
      awaitResponder(vertx);
      twoJvms = measure(vertx, requests);
    } finally {
      remote.destroy();
      remote.waitFor(30, TimeUnit.SECONDS);
      vertx.close().await();
      metrics.close();
    }
    System.out.println();
    System.out.printf("Event-bus request/reply (WakeEndpoint -> EndpointAddress), %d sequential requests; "
        + "throughput with %d in flight%n%n", requests, IN_FLIGHT);
    System.out.printf("%-40s %9s %9s %9s %14s%n", "scenario", "p50 ms", "p99 ms", "max ms", "requests/s");
    print("one JVM (local delivery)", oneJvm);
    print("two JVMs (Hazelcast TCP, loopback)", twoJvms);
  }

  private record Result(LatencyStats latency, double throughput) {}

  private static io.vertx.core.eventbus.MessageConsumer<WakeEndpoint> answerWakes(Vertx vertx) {
    return vertx.eventBus().<WakeEndpoint>consumer(BusAddresses.ENDPOINT_WAKE, message -> message.reply(
        new EndpointAddress(message.body().endpointName(), "0123456789abcdef0123456789abcdef",
            "fedcba9876543210fedcba9876543210", "127.0.0.1", 54321, false)));
  }

  private static Result measure(Vertx vertx, int requests) throws Exception {
    WakeEndpoint wake = new WakeEndpoint("bench");
    for (int i = 0; i < Math.min(5_000, requests); i++) { // JIT warm-up
      request(vertx, wake).await();
    }
    LatencyStats latency = new LatencyStats();
    for (int i = 0; i < requests; i++) {
      long start = System.nanoTime();
      request(vertx, wake).await();
      latency.add(System.nanoTime() - start);
    }
    Semaphore slots = new Semaphore(IN_FLIGHT);
    CountDownLatch done = new CountDownLatch(requests);
    AtomicLong failures = new AtomicLong();
    long start = System.nanoTime();
    for (int i = 0; i < requests; i++) {
      slots.acquire();
      request(vertx, wake).onComplete(result -> {
        if (result.failed()) {
          failures.incrementAndGet();
        }
        slots.release();
        done.countDown();
      });
    }
    done.await();
    double seconds = (System.nanoTime() - start) / 1e9;
    if (failures.get() > 0) {
      throw new IllegalStateException(failures.get() + " requests failed");
    }
    return new Result(latency, requests / seconds);
  }

  private static Future<EndpointAddress> request(Vertx vertx, WakeEndpoint wake) {
    return Bus.request(vertx.eventBus(), BusAddresses.ENDPOINT_WAKE, wake, EndpointAddress.class, TIMEOUT_MILLIS);
  }

  /** Until the remote consumer's registration reaches this member, requests fail with NO_HANDLERS. */
  private static void awaitResponder(Vertx vertx) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (true) {
      try {
        request(vertx, new WakeEndpoint("ready?")).await();
        return;
      } catch (Exception notYet) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the responder JVM did not join within 90 s", notYet);
        }
        Thread.sleep(200);
      }
    }
  }

  private static Process startRemoteResponder(String cluster, int port, List<String> members) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(StackProcess.JVM_FLAGS);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), BusLatencyBenchmark.class.getName(),
        RESPONDER, cluster, Integer.toString(port), String.join(",", members)));
    String logback = System.getProperty("logback.configurationFile");
    if (logback != null) {
      command.add(1, "-Dlogback.configurationFile=" + logback);
    }
    return new ProcessBuilder(command).inheritIO().start();
  }

  /** The second JVM: joins the cluster and answers wakes until killed. */
  private static void runResponder(String[] args) throws Exception {
    ProcessMetrics metrics = new ProcessMetrics();
    Vertx vertx = ClusterVertx.start(new ClusterSettings(args[1], "127.0.0.1", Integer.parseInt(args[2]),
        List.of(args[3].split(","))), metrics).await();
    BusCodecs.registerAll(vertx.eventBus());
    answerWakes(vertx).completion().await();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      vertx.close().toCompletionStage().toCompletableFuture().join();
      stopped.countDown();
    }));
    stopped.await();
  }

  private static void print(String scenario, Result result) {
    System.out.printf("%-40s %9.3f %9.3f %9.3f %14.0f%n", scenario, result.latency().percentile(50),
        result.latency().percentile(99), result.latency().max(), result.throughput());
  }
}
