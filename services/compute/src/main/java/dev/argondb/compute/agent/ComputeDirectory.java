package dev.argondb.compute.agent;

import dev.argondb.compute.postgres.PgBinaries;
import dev.argondb.compute.postgres.PgServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * One endpoint's local files: its Postgres data directory, log, and the password of the agent's own
 * superuser. In this version a compute keeps its data directory across suspends; the storage
 * services replace it with a basebackup from the pageserver.
 */
final class ComputeDirectory {
  /** Bootstrap superuser the agent uses to manage the compute (create roles, check activity). */
  static final String AGENT_USER = dev.argondb.bus.SystemRoles.AGENT_SUPERUSER;

  private final Path root;

  ComputeDirectory(Path dataRoot, String endpointId) {
    this(dataRoot.resolve("endpoints").resolve(endpointId));
  }

  private ComputeDirectory(Path root) {
    this.root = root;
  }

  static ComputeDirectory at(Path root) {
    return new ComputeDirectory(root);
  }

  /** Ids of the endpoints that have a directory under {@code dataRoot}. Blocking. */
  static java.util.List<String> endpointIds(Path dataRoot) throws IOException {
    Path endpoints = dataRoot.resolve("endpoints");
    if (!Files.isDirectory(endpoints)) {
      return java.util.List.of();
    }
    try (var children = Files.list(endpoints)) {
      return children.filter(Files::isDirectory).map(dir -> dir.getFileName().toString()).sorted().toList();
    }
  }

  Path dataDir() {
    return root.resolve("pgdata");
  }

  Path logFile() {
    return root.resolve("postgres.log");
  }

  Path secretFile() {
    return root.resolve("agent.secret");
  }

  /** The term the last compute in this directory ran under (0 if unknown). */
  long term() throws IOException {
    Path file = root.resolve("term");
    return Files.exists(file) ? Long.parseLong(Files.readString(file, StandardCharsets.UTF_8).trim()) : 0;
  }

  void recordTerm(long term) throws IOException {
    Files.writeString(root.resolve("term"), Long.toString(term), StandardCharsets.UTF_8);
  }

  boolean isInitialized() {
    return Files.exists(dataDir().resolve("PG_VERSION")) && Files.exists(secretFile());
  }

  /** Runs initdb with a fresh random agent password. Blocking. */
  void initialize(PgBinaries binaries) throws IOException {
    Files.createDirectories(root);
    dev.argondb.compute.postgres.PgFiles.deleteRecursively(dataDir());
    byte[] random = new byte[24];
    new SecureRandom().nextBytes(random);
    String password = HexFormat.of().formatHex(random);
    PgServer.initdb(binaries, dataDir(), AGENT_USER, password, root.resolve("initdb.log"));
    Files.writeString(secretFile(), password, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(secretFile(), PosixFilePermissions.fromString("rw-------"));
  }

  String agentPassword() throws IOException {
    return Files.readString(secretFile(), StandardCharsets.UTF_8).trim();
  }
}
