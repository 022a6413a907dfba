package dev.argondb.compute.agent;

import dev.argondb.bus.SystemRoles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Who may connect to a compute, written into its data directory at every start (a basebackup carries the
 * image's pg_hba.conf, which must not decide this). Clients and safekeepers log in over TCP with
 * SCRAM-SHA-256 only. The agent's superuser logs in only over a Unix socket in a private directory of the
 * agent (mode 0700), with trust: no secret of it exists anywhere, and over TCP it is rejected outright.
 */
final class ComputeAccess {
  private ComputeAccess() {}

  private static final String HBA = """
      # Written by the ArgonDB compute agent at every start; edits are overwritten.
      # TYPE  DATABASE     USER           ADDRESS  METHOD
      local   all          %1$s                   trust
      local   all          all                    reject
      host    all          %1$s           all      reject
      host    replication  all            all      scram-sha-256
      host    all          all            all      scram-sha-256
      """.formatted(SystemRoles.AGENT_SUPERUSER);

  static void writeHba(Path dataDir) throws IOException {
    Files.writeString(dataDir.resolve("pg_hba.conf"), HBA, StandardCharsets.UTF_8);
  }

  /** A fresh private directory for the compute's Unix socket (short path: sockets are limited to 107 bytes). */
  static Path newSocketDirectory() throws IOException {
    return Files.createTempDirectory("argon-compute-"); // 0700 on POSIX
  }

  /** The settings that put the compute's socket there, reachable by the agent only. */
  static Map<String, String> socketSettings(Path socketDir) {
    return Map.of("unix_socket_directories", socketDir.toString(), "unix_socket_permissions", "0700");
  }
}
