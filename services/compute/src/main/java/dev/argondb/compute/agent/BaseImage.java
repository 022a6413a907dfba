package dev.argondb.compute.agent;

import dev.argondb.compute.postgres.PgBinaries;
import dev.argondb.compute.postgres.PgFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A timeline's first image: the data directory initdb left, cleanly shut down, kept so any later
 * compute of the timeline can start from it plus the safekeepers' WAL. (The pageserver replaces this
 * with images at many LSNs.) Kept per compute host; blocking.
 */
final class BaseImage {
  private final Path root;

  BaseImage(Path dataRoot, String timelineId) {
    this.root = dataRoot.resolve("timelines").resolve(timelineId);
  }

  Path dataDir() {
    return root.resolve("base");
  }

  boolean exists() {
    return Files.exists(root.resolve("base.complete"));
  }

  /** initdb into a fresh base image; the agent's password is stored beside it and copied with it. */
  void create(PgBinaries binaries) throws IOException {
    Files.createDirectories(root);
    Files.deleteIfExists(root.resolve("base.complete"));
    ComputeDirectory staging = ComputeDirectory.at(root.resolve("staging"));
    staging.initialize(binaries);
    PgFiles.deleteRecursively(dataDir());
    PgFiles.deleteRecursively(root.resolve("agent.secret"));
    Files.move(staging.dataDir(), dataDir(), StandardCopyOption.ATOMIC_MOVE);
    Files.move(staging.secretFile(), root.resolve("agent.secret"), StandardCopyOption.ATOMIC_MOVE);
    PgFiles.deleteRecursively(root.resolve("staging"));
    Files.createFile(root.resolve("base.complete"));
  }

  /** Replaces the endpoint's data directory with a copy of this image. */
  void copyTo(ComputeDirectory target) throws IOException {
    PgFiles.deleteRecursively(target.dataDir());
    PgFiles.copyRecursively(dataDir(), target.dataDir());
    Files.createDirectories(target.secretFile().getParent());
    Files.copy(root.resolve("agent.secret"), target.secretFile(), StandardCopyOption.REPLACE_EXISTING);
  }
}
