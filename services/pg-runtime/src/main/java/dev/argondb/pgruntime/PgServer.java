package dev.argondb.pgruntime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Blocking helpers that create and start Postgres data directories; call them off the event loop. */
public final class PgServer {
  private PgServer() {}

  /**
   * Runs initdb: {@code superuser} gets {@code password} (SCRAM-SHA-256); TCP connections need a
   * password, there is no trust authentication.
   */
  public static void initdb(PgBinaries binaries, Path dataDir, String superuser, String password, Path logFile)
      throws IOException {
    Files.createDirectories(dataDir.getParent());
    Path pwfile = Files.createTempFile(dataDir.getParent(), "pwfile-", "",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      Files.writeString(pwfile, password + "\n", StandardCharsets.UTF_8);
      List<String> command = List.of(binaries.initdb().toString(), "-D", dataDir.toString(),
          "-U", superuser, "--pwfile=" + pwfile, "--auth=scram-sha-256", "-E", "UTF8", "--locale=C",
          "--no-instructions");
      run(command, logFile, Duration.ofMinutes(2), "initdb");
    } finally {
      Files.deleteIfExists(pwfile);
    }
  }

  /**
   * Starts {@code postgres} on 127.0.0.1:{@code port} (no Unix socket) and waits until it accepts
   * connections. {@code settings} become {@code -c name=value} arguments.
   */
  public static PgProcess start(PgBinaries binaries, Path dataDir, int port, Map<String, String> settings,
                                Path logFile, Duration timeout) throws IOException {
    return start(binaries, dataDir, "127.0.0.1", port, settings, logFile, timeout);
  }

  /** As {@link #start(PgBinaries, Path, int, Map, Path, Duration)}, listening on {@code listenAddress}. */
  public static PgProcess start(PgBinaries binaries, Path dataDir, String listenAddress, int port,
                                Map<String, String> settings, Path logFile, Duration timeout) throws IOException {
    List<String> command = new ArrayList<>(List.of(binaries.postgres().toString(), "-D", dataDir.toString(),
        "-p", Integer.toString(port), "-c", "listen_addresses=" + listenAddress, "-c", "unix_socket_directories="));
    settings.forEach((name, value) -> {
      command.add("-c");
      command.add(name + "=" + value);
    });
    Files.createDirectories(logFile.getParent());
    Process process = new ProcessBuilder(PgUser.unprivileged(command))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
        .start();
    PgProcess pg = new PgProcess(process, dataDir, port, logFile);
    pg.awaitReady(timeout);
    return pg;
  }

  static void run(List<String> command, Path logFile, Duration timeout, String what) throws IOException {
    Files.createDirectories(logFile.getParent());
    Process process = new ProcessBuilder(PgUser.unprivileged(command))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
        .start();
    try {
      if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IOException(what + " did not finish within " + timeout + "; see " + logFile);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IOException(what + " interrupted", e);
    }
    if (process.exitValue() != 0) {
      throw new IOException(what + " failed with exit code " + process.exitValue() + ": "
          + PgProcess.tail(logFile, 5));
    }
  }
}
