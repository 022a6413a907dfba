package dev.argondb.cli.stack;

import dev.argondb.cli.ArgonHome;
import dev.argondb.cli.LocalStackSettings;
import dev.argondb.pgruntime.PgBinaries;
import dev.argondb.pgruntime.PgProcess;
import dev.argondb.pgruntime.PgServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** The local stack's small Postgres for the control plane's state, from the same binaries as the computes. */
public final class ControlPlaneDatabase {
  static final String USER = "argon_control";

  private ControlPlaneDatabase() {}

  public static PgBinaries binaries(LocalStackSettings settings) {
    return settings.pgBinDir() != null ? PgBinaries.installedAt(Path.of(settings.pgBinDir()))
        : PgBinaries.fromEnvironment();
  }

  /** initdb of the control plane's data directory. Blocking. */
  public static void initialize(ArgonHome home, LocalStackSettings settings) throws IOException {
    PgServer.initdb(binaries(settings), home.controlPlaneDbDir(), USER, settings.controlDbPassword(),
        home.root().resolve("control-plane-db.log"));
  }

  /** Starts it on its configured port. Blocking. */
  public static PgProcess start(ArgonHome home, LocalStackSettings settings) throws IOException {
    return PgServer.start(binaries(settings), home.controlPlaneDbDir(), settings.controlDbPort(),
        Map.of("max_connections", "50", "shared_buffers", "32MB"), home.root().resolve("control-plane-db.log"),
        Duration.ofSeconds(60));
  }

  public static String url(LocalStackSettings settings) {
    return "postgresql://" + USER + ":" + settings.controlDbPassword() + "@127.0.0.1:" + settings.controlDbPort()
        + "/postgres";
  }
}
