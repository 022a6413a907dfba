package dev.argondb.cli.commands;

import dev.argondb.cli.ArgonHome;
import dev.argondb.cli.Spinner;
import dev.argondb.cli.StackProcess;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Stops the stack: computes are suspended, the control plane's database shut down. */
@Command(name = "stop", description = "Stop the local stack and every compute it runs.")
public final class StopCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    ArgonHome home = ArgonHome.fromEnvironment();
    StackProcess stack = new StackProcess(home);
    Optional<ProcessHandle> running = stack.running();
    if (running.isEmpty()) {
      System.err.println("The stack is not running");
      return 0;
    }
    try (Spinner spinner = new Spinner("Stopping the ArgonDB stack (pid " + running.get().pid() + ")")) {
      stack.stop(running.get(), Duration.ofSeconds(90));
      spinner.done("stopped");
    }
    return 0;
  }
}
