package dev.argondb.cli;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The local stack's state directory: {@code $ARGON_HOME}, else {@code .argon} in the working
 * directory (as neon_local keeps {@code .neon}). Holds the stack settings, its pid and log, the
 * control plane's database and the computes' data directories.
 */
public final class ArgonHome {
  private final Path root;

  public ArgonHome(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  /** {@code -Dargon.home} (tests), else {@code $ARGON_HOME}, else {@code ./.argon}. */
  public static ArgonHome fromEnvironment() {
    String env = System.getProperty("argon.home", System.getenv("ARGON_HOME"));
    return new ArgonHome(env != null && !env.isBlank() ? Path.of(env) : Path.of(".argon"));
  }

  public Path root() {
    return root;
  }

  public Path configFile() {
    return root.resolve("config.json");
  }

  public Path pidFile() {
    return root.resolve("stack.pid");
  }

  public Path logFile() {
    return root.resolve("stack.log");
  }

  public Path controlPlaneDbDir() {
    return root.resolve("control-plane-db");
  }

  public Path safekeeperDir(String id) {
    return root.resolve("safekeepers").resolve(id);
  }

  public Path computesDir() {
    return root.resolve("computes");
  }

  public boolean isInitialized() {
    return Files.exists(configFile());
  }

  public LocalStackSettings readSettings() {
    if (!isInitialized()) {
      throw new CliException("no ArgonDB stack is initialized at " + root + " (run ./argon init or ./argon up)");
    }
    try {
      return LocalStackSettings.fromJson(new JsonObject(Files.readString(configFile(), StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Written atomically and readable only by the owner: it holds the local admin password. */
  public void writeSettings(LocalStackSettings settings) {
    try {
      Files.createDirectories(root);
      Path temp = Files.createTempFile(root, "config", ".tmp",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(temp, settings.toJson().encodePrettily(), StandardCharsets.UTF_8);
      Files.move(temp, configFile(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
