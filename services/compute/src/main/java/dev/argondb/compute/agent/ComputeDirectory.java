package dev.argondb.compute.agent;

import dev.argondb.pgruntime.PgBinaries;
import dev.argondb.pgruntime.PgServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * One endpoint's local files: its Postgres data directory, log and the term its last compute ran under.
 * With a pageserver the data directory is a basebackup, kept across a suspend only to be reused when
 * nothing was written since; without one it is initdb'ed on first use and kept.
 */
final class ComputeDirectory {
  /** Bootstrap superuser the agent uses to manage the compute (create roles, check activity). */
  static final String AGENT_USER = dev.argondb.bus.SystemRoles.AGENT_SUPERUSER;

  private static final String BOOT_ID_FILE = "boot_id";

  private final Path root;

  ComputeDirectory(Path dataRoot, String endpointId) {
    this.root = dataRoot.resolve("endpoints").resolve(endpointId);
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

  /** Backing files of the data directory's lazy files; exists only while some are not made whole (LazyFiles). */
  Path lazyDir() {
    return root.resolve("lazy");
  }

  Path logFile() {
    return root.resolve("postgres.log");
  }

  /** The term the last compute in this directory ran under (0 if unknown). */
  long term() throws IOException {
    Path file = root.resolve("term");
    return Files.exists(file) ? Long.parseLong(Files.readString(file, StandardCharsets.UTF_8).trim()) : 0;
  }

  void recordTerm(long term) throws IOException {
    Files.createDirectories(root);
    Files.writeString(root.resolve("term"), Long.toString(term), StandardCharsets.UTF_8);
  }

  /**
   * Records that the data directory was written during this boot of the host. Computes run with
   * {@code fsync=off} (the safekeepers make WAL durable), so after a host crash what a kept directory holds is
   * unknown, even if its pg_control says it shut down cleanly; within one boot the page cache has every write.
   */
  void recordBoot() throws IOException {
    Files.createDirectories(root);
    Files.writeString(root.resolve(BOOT_ID_FILE), HostBoot.id(), StandardCharsets.UTF_8);
  }

  /** Whether the data directory was written during this boot of the host (see {@link #recordBoot}). */
  boolean isFromThisBoot() throws IOException {
    Path file = root.resolve(BOOT_ID_FILE);
    String boot = HostBoot.id();
    return !boot.isEmpty() && Files.exists(file) && Files.readString(file, StandardCharsets.UTF_8).equals(boot);
  }

  boolean isInitialized() {
    return Files.exists(dataDir().resolve("PG_VERSION"));
  }

  /**
   * Removes the data directory (before a basebackup replaces it). The next one will be placed away from the
   * inodes just freed ({@link TopDirectoryFlag}). Blocking.
   */
  void clear() throws IOException {
    dev.argondb.pgruntime.PgFiles.deleteRecursively(dataDir());
    dev.argondb.pgruntime.PgFiles.deleteRecursively(lazyDir());
    Files.deleteIfExists(root.resolve("term"));
    Files.deleteIfExists(root.resolve(BOOT_ID_FILE));
    Files.createDirectories(root.getParent());
    TopDirectoryFlag.set(root.getParent());
    Files.createDirectories(root);
    TopDirectoryFlag.set(root);
  }

  /**
   * Runs initdb (deployments without a pageserver). The superuser's password is random and thrown away:
   * the agent logs in over its private socket. Blocking.
   */
  void initialize(PgBinaries binaries) throws IOException {
    clear();
    byte[] random = new byte[24];
    new SecureRandom().nextBytes(random);
    PgServer.initdb(binaries, dataDir(), AGENT_USER, HexFormat.of().formatHex(random), root.resolve("initdb.log"));
  }
}
