package dev.argondb.loadtests;

import dev.argondb.pgruntime.FreePorts;
import dev.argondb.pgruntime.PgUser;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * A PgBouncer (Debian package {@code pgbouncer}) in session mode in front of one Postgres, for comparison.
 * It authenticates clients with SCRAM against the role's verifier and, like the gateway, logs in to Postgres
 * with the ClientKey the client's proof reveals. It refuses to run as root, so as root it runs as nobody.
 */
final class PgBouncer implements AutoCloseable {
  private static final String BINARY = "/usr/sbin/pgbouncer";

  private final Process process;
  private final int port;

  private PgBouncer(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  static boolean installed() {
    return Files.isExecutable(Path.of(BINARY));
  }

  static PgBouncer start(String postgresHost, int postgresPort, String user, String scramVerifier, int poolSize)
      throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("argon-bench-pgbouncer-");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    int port = FreePorts.pick();
    Path userlist = dir.resolve("userlist.txt");
    Files.writeString(userlist, "\"" + user + "\" \"" + scramVerifier + "\"\n");
    Path ini = dir.resolve("pgbouncer.ini");
    Files.writeString(ini, String.join("\n",
        "[databases]",
        "postgres = host=" + postgresHost + " port=" + postgresPort + " dbname=postgres",
        "[pgbouncer]",
        "listen_addr = 127.0.0.1",
        "listen_port = " + port,
        "unix_socket_dir =",
        "auth_type = scram-sha-256",
        "auth_file = " + userlist,
        "pool_mode = session",
        "max_client_conn = 1000",
        "default_pool_size = " + poolSize,
        "logfile = " + dir.resolve("pgbouncer.log"),
        "log_connections = 0",
        "log_disconnections = 0",
        ""));
    for (Path file : List.of(userlist, ini)) {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    }
    Process process = new ProcessBuilder(PgUser.unprivileged(List.of(BINARY, ini.toString())))
        .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (true) {
      try (Socket probe = new Socket("127.0.0.1", port)) {
        return new PgBouncer(process, port);
      } catch (IOException notYet) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          process.destroyForcibly();
          throw new IOException("pgbouncer did not start; see " + dir);
        }
        Thread.sleep(50);
      }
    }
  }

  int port() {
    return port;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    process.waitFor();
  }
}
