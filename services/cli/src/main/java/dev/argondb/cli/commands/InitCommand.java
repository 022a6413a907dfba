package dev.argondb.cli.commands;

import dev.argondb.cli.ArgonHome;
import dev.argondb.cli.CliException;
import dev.argondb.cli.LocalStackSettings;
import dev.argondb.cli.Spinner;
import dev.argondb.cli.stack.ControlPlaneDatabase;
import dev.argondb.cli.stack.GatewayCertificate;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Creates the Argon home: settings with fresh secrets, the control plane's database and the gateway's TLS certificate. */
@Command(name = "init", description = "Initialize a local ArgonDB stack in .argon (or $ARGON_HOME).")
public final class InitCommand implements Callable<Integer> {
  private static final LocalStackSettings DEFAULTS = LocalStackSettings.defaults();

  @Option(names = "--gateway-port", description = "Postgres port of the gateway (default: ${DEFAULT-VALUE})")
  int gatewayPort = DEFAULTS.gatewayPort();

  @Option(names = "--gateway-http-port", description = "gateway metrics port (default: ${DEFAULT-VALUE})")
  int gatewayHttpPort = DEFAULTS.gatewayHttpPort();

  @Option(names = "--control-plane-port", description = "REST API port (default: ${DEFAULT-VALUE})")
  int controlPlanePort = DEFAULTS.controlPlaneHttpPort();

  @Option(names = "--compute-http-port", description = "compute agent metrics port (default: ${DEFAULT-VALUE})")
  int computeHttpPort = DEFAULTS.computeHttpPort();

  @Option(names = "--control-db-port", description = "port of the control plane's Postgres (default: ${DEFAULT-VALUE})")
  int controlDbPort = DEFAULTS.controlDbPort();

  @Override
  public Integer call() throws Exception {
    ArgonHome home = ArgonHome.fromEnvironment();
    if (home.isInitialized()) {
      throw new CliException("already initialized at " + home.root());
    }
    initialize(home, DEFAULTS.withPorts(gatewayPort, gatewayHttpPort, controlPlanePort, computeHttpPort, controlDbPort));
    return 0;
  }

  static LocalStackSettings initialize(ArgonHome home, LocalStackSettings settings) throws Exception {
    try (Spinner spinner = new Spinner("Initializing ArgonDB in " + home.root())) {
      ControlPlaneDatabase.initialize(home, settings);
      GatewayCertificate.generate(home);
      home.writeSettings(settings);
      spinner.done("done");
    }
    System.err.println("Gateway TLS certificate: " + home.tlsCertFile()
        + " (psql: sslmode=verify-full sslrootcert=" + home.tlsCertFile() + ")");
    return settings;
  }
}
