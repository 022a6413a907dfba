package dev.argondb.cli.testing;

import dev.argondb.cli.ArgonCli;
import dev.argondb.cli.StackProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One {@code argon service <role>} JVM started by a test, with the test's classpath; its output goes to a log file. */
public final class ServiceJvm {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  private final String role;
  private final Path log;
  private final Process process;

  private ServiceJvm(String role, Path log, Process process) {
    this.role = role;
    this.log = log;
    this.process = process;
  }

  public static ServiceJvm start(String role, Path config, Map<String, String> env, Path logDir) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(StackProcess.JVM_FLAGS);
    // Later flags win: small heaps and a quick JIT, three of these share two cores with the build.
    command.addAll(List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), ArgonCli.class.getName(),
        "service", role, "--config", config.toString()));
    Path log = logDir.resolve(role + ".log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(env);
    return new ServiceJvm(role, log, builder.start());
  }

  /** A free TCP port on {@code host} (any 127.0.0.x works on Linux without setup). */
  public static int freePort(String host) throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
      return socket.getLocalPort();
    }
  }

  /** Waits for {@code /health} to answer 200. */
  public void awaitHealthy(String host, int httpPort, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError(role + " exited with " + process.exitValue() + ": " + logTail(15));
      }
      if (get(host, httpPort, "/health").map(response -> response.statusCode() == 200).orElse(false)) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(role + " not healthy within " + timeout + ": " + logTail(15));
  }

  /** Waits until the JVM's {@code argon_cluster_members} gauge shows {@code members}. */
  public void awaitClusterMembers(String host, int httpPort, int members, Duration timeout) throws Exception {
    String expected = "argon_cluster_members " + (double) members;
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (get(host, httpPort, "/metrics").map(response -> response.body().lines().anyMatch(expected::equals))
          .orElse(false)) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(role + " does not see " + members + " cluster members within " + timeout + ": "
        + logTail(10));
  }

  private static java.util.Optional<HttpResponse<String>> get(String host, int port, String path)
      throws InterruptedException {
    try {
      return java.util.Optional.of(HTTP.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + path))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()));
    } catch (IOException notYet) {
      return java.util.Optional.empty();
    }
  }

  /** SIGKILL: no shutdown hook runs, as when the machine loses the process. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM (the service undeploys, the agent suspends its computes), SIGKILL after the timeout. */
  public void stop(Duration timeout) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log at " + log + ")";
    }
  }
}
