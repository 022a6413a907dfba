package dev.argondb.pageserver.reconstruction;

import dev.argondb.pgruntime.FreePorts;
import dev.argondb.pgruntime.PgBinaries;
import dev.argondb.pgruntime.PgUser;
import dev.argondb.pgformat.Lsn;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A redo Postgres: a standby ({@code standby.signal}) that replays the WAL placed in its pg_wal up to
 * {@code recovery_target_lsn} and then shuts down ({@code recovery_target_action=shutdown}), with no hot
 * standby (nobody connects; the hot-standby parameter checks against the primary do not apply), a unique
 * port and no Unix socket. fsync is off: the directory is scratch, and what is kept of it is fsynced when it
 * becomes an image. Blocking.
 */
final class RedoPostgres {
  private final Process process;
  private final Path logFile;

  private RedoPostgres(Process process, Path logFile) {
    this.process = process;
    this.logFile = logFile;
  }

  static RedoPostgres start(PgBinaries binaries, Path dataDir, long targetLsn, Path logFile) throws IOException {
    Files.writeString(dataDir.resolve("standby.signal"), "");
    Map<String, String> settings = Map.of(
        "hot_standby", "off",
        "recovery_target_lsn", Lsn.format(targetLsn),
        "recovery_target_inclusive", "on",
        "recovery_target_action", "shutdown",
        "recovery_target_timeline", "current",
        "fsync", "off",
        "archive_mode", "off",
        "restore_command", "");
    List<String> command = new ArrayList<>(List.of(binaries.postgres().toString(), "-D", dataDir.toString(),
        "-p", Integer.toString(FreePorts.pick()), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="));
    settings.forEach((name, value) -> {
      command.add("-c");
      command.add(name + "=" + value);
    });
    Process process = new ProcessBuilder(PgUser.unprivileged(command))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
        .start();
    return new RedoPostgres(process, logFile);
  }

  /** Waits for the postmaster to exit and returns its exit code; kills it after {@code timeout}. */
  int awaitExit(Duration timeout) throws IOException {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        kill();
        throw new IOException("the redo run did not finish within " + timeout + "; see " + logFile);
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill();
      throw new IOException("interrupted while waiting for the redo run", e);
    }
  }

  /** Ends the run at once (the pageserver stops): the postmaster and, noticing it gone, its children. */
  void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
