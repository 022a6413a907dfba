package dev.argondb.pgruntime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A running postmaster started by {@link PgServer}. Blocking methods: call them off the event loop. */
public final class PgProcess {
  /** Postgres's shutdown modes and the signal that requests each. */
  public enum Shutdown {
    /** Waits for clients to disconnect (SIGTERM). */
    SMART("TERM"),
    /** Disconnects clients, then checkpoints (SIGINT). */
    FAST("INT"),
    /** Exits at once; the next start runs crash recovery (SIGQUIT). */
    IMMEDIATE("QUIT");

    private final String signal;

    Shutdown(String signal) {
      this.signal = signal;
    }
  }

  /** Line 8 of postmaster.pid holds the postmaster status (see pidfile.h). */
  private static final int PID_FILE_STATUS_LINE = 7;
  private static final String STATUS_READY = "ready";

  private final Process process;
  private final Path dataDir;
  private final int port;
  private final Path logFile;

  PgProcess(Process process, Path dataDir, int port, Path logFile) {
    this.process = process;
    this.dataDir = dataDir;
    this.port = port;
    this.logFile = logFile;
  }

  public long pid() {
    return process.pid();
  }

  public int port() {
    return port;
  }

  public Path dataDir() {
    return dataDir;
  }

  public Path logFile() {
    return logFile;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Completes with the exit code when the postmaster exits, on a JDK thread. */
  public java.util.concurrent.CompletableFuture<Integer> onExit() {
    return process.onExit().thenApply(Process::exitValue);
  }

  void awaitReady(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Path pidFile = dataDir.resolve("postmaster.pid");
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("postgres exited with code " + process.exitValue() + " during start: "
            + tail(logFile, 5));
      }
      if (isReady(pidFile)) {
        return;
      }
      sleep(5);
    }
    stop(Shutdown.IMMEDIATE, Duration.ofSeconds(10));
    throw new IOException("postgres did not accept connections within " + timeout + ": " + tail(logFile, 5));
  }

  private boolean isReady(Path pidFile) {
    try {
      List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
      return lines.size() > PID_FILE_STATUS_LINE
          && lines.get(0).trim().equals(Long.toString(process.pid()))
          && lines.get(PID_FILE_STATUS_LINE).trim().equals(STATUS_READY);
    } catch (IOException notYetWritten) {
      return false;
    }
  }

  /** Requests a shutdown and waits for the postmaster to exit; escalates to SIGKILL after the timeout. */
  public void stop(Shutdown mode, Duration timeout) throws IOException {
    if (!process.isAlive()) {
      return;
    }
    signal(mode.signal);
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while stopping postgres " + pid(), e);
    }
  }

  /** SIGKILL, as if the machine lost the process; children exit when they notice the postmaster is gone. */
  public void kill() {
    process.destroyForcibly();
  }

  private void signal(String signal) throws IOException {
    try {
      new ProcessBuilder("kill", "-" + signal, Long.toString(pid())).inheritIO().start().waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while signalling postgres " + pid(), e);
    }
  }

  static String tail(Path logFile, int lines) {
    try {
      List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      return String.join(" | ", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log at " + logFile + ")";
    }
  }

  private static void sleep(long millis) throws IOException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
