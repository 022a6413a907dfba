package dev.argondb.cli;

import java.io.IOException;
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
import java.util.Optional;

/** The local stack as a background JVM: spawned by {@code start}, found by its pid file, ended by {@code stop}. */
public final class StackProcess {
  /** What Hazelcast needs on Java 17; tests that start service JVMs use them too. */
  public static final List<String> JVM_FLAGS = List.of("-Xmx2g", "-Dhazelcast.logging.type=slf4j",
      "--add-modules", "java.se", "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens", "java.management/sun.management=ALL-UNNAMED",
      "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED");

  private final ArgonHome home;

  public StackProcess(ArgonHome home) {
    this.home = home;
  }

  public Optional<ProcessHandle> running() {
    try {
      long pid = Long.parseLong(Files.readString(home.pidFile(), StandardCharsets.UTF_8).trim());
      return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Starts {@code argon stack-run} detached from this terminal's session, its output appended to the stack log. */
  public ProcessHandle spawn() throws IOException {
    Files.deleteIfExists(home.pidFile());
    List<String> command = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      command.add("/usr/bin/setsid");
    }
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(JVM_FLAGS);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(ArgonCli.class.getName());
    command.add("stack-run");
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(home.logFile().toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    builder.environment().put("ARGON_HOME", home.root().toString());
    return builder.start().toHandle();
  }

  /** Waits until every service answers {@code /health}; fails with the log's last lines if the stack exits. */
  public void awaitHealthy(ProcessHandle process, LocalStackSettings settings, Duration timeout) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    List<Integer> ports = List.of(settings.controlPlaneHttpPort(), settings.computeHttpPort(), settings.gatewayHttpPort());
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new CliException("the stack exited during start: " + logTail(3) + " (full log: " + home.logFile() + ")");
      }
      if (ports.stream().allMatch(port -> healthy(http, port))) {
        return;
      }
      sleep(100);
    }
    throw new CliException("the stack did not become healthy within " + timeout.toSeconds() + " s; see " + home.logFile());
  }

  private static boolean healthy(HttpClient http, int port) {
    try {
      HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
      return response.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** SIGTERM, so the stack suspends its computes and stops its database; SIGKILL after the timeout. */
  public void stop(ProcessHandle process, Duration timeout) {
    process.destroy();
    try {
      process.onExit().get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      process.destroyForcibly();
    }
    try {
      Files.deleteIfExists(home.pidFile());
    } catch (IOException ignored) {
      // a stale pid file is detected by the liveness check anyway
    }
  }

  public String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(home.logFile(), StandardCharsets.UTF_8);
      return String.join(" | ", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted");
    }
  }
}
