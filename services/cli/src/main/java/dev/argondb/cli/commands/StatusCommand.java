package dev.argondb.cli.commands;

import dev.argondb.cli.ArgonHome;
import dev.argondb.cli.LocalStackSettings;
import dev.argondb.cli.StackProcess;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Whether the stack runs, and where its services listen. */
@Command(name = "status", description = "Show whether the local stack runs and where its services listen.")
public final class StatusCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    ArgonHome home = ArgonHome.fromEnvironment();
    LocalStackSettings settings = home.readSettings();
    Optional<ProcessHandle> running = new StackProcess(home).running();
    if (running.isEmpty()) {
      System.out.println("stopped (home " + home.root() + ")");
      return 3;
    }
    System.out.println("running, pid " + running.get().pid() + ", home " + home.root());
    System.out.println("  gateway        postgres://127.0.0.1:" + settings.gatewayPort()
        + "   metrics http://127.0.0.1:" + settings.gatewayHttpPort() + "/metrics");
    System.out.println("  control plane  " + settings.controlPlaneUrl() + "/v1   metrics "
        + settings.controlPlaneUrl() + "/metrics");
    System.out.println("  compute agent  metrics http://127.0.0.1:" + settings.computeHttpPort() + "/metrics");
    return 0;
  }
}
