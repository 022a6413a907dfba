package dev.argondb.pgruntime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A postmaster still running in a data directory that no live agent manages: an agent killed with
 * SIGKILL leaves its computes running (Postgres does not watch its parent). The next agent on the host
 * must stop them, or their data directories stay locked and clients keep writing behind its back.
 */
public final class OrphanedPostmaster {
  private final ProcessHandle process;

  private OrphanedPostmaster(ProcessHandle process) {
    this.process = process;
  }

  /** The live postgres process named by {@code dataDir/postmaster.pid}, if any. Blocking (reads a file). */
  public static Optional<OrphanedPostmaster> in(Path dataDir) {
    List<String> lines;
    try {
      lines = Files.readAllLines(dataDir.resolve("postmaster.pid"), StandardCharsets.UTF_8);
    } catch (IOException noPidFile) {
      return Optional.empty();
    }
    if (lines.isEmpty()) {
      return Optional.empty();
    }
    long pid;
    try {
      pid = Long.parseLong(lines.get(0).trim());
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    // A stale pid file may name a recycled pid: only a postgres process counts.
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(handle -> handle.info().command().map(command -> command.endsWith("postgres")).orElse(false))
        .map(OrphanedPostmaster::new);
  }

  public long pid() {
    return process.pid();
  }

  /** Fast shutdown (SIGINT: clients are disconnected, a checkpoint is written); SIGKILL after the timeout. Blocking. */
  public void stop(Duration timeout) throws IOException {
    try {
      new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).inheritIO().start().waitFor();
      process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while stopping orphaned postgres " + process.pid(), e);
    } catch (Exception timedOut) {
      process.destroyForcibly();
    }
  }
}
