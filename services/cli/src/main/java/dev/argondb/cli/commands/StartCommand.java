package dev.argondb.cli.commands;

import dev.argondb.cli.ArgonHome;
import dev.argondb.cli.LocalStackSettings;
import dev.argondb.cli.Spinner;
import dev.argondb.cli.StackProcess;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Starts the stack in the background and returns once every service is healthy. */
@Command(name = "start", description = "Start the local stack in the background.")
public final class StartCommand implements Callable<Integer> {

  @Override
  public Integer call() throws Exception {
    ArgonHome home = ArgonHome.fromEnvironment();
    start(home, home.readSettings());
    return 0;
  }

  static void start(ArgonHome home, LocalStackSettings settings) throws Exception {
    StackProcess stack = new StackProcess(home);
    Optional<ProcessHandle> running = stack.running();
    if (running.isPresent()) {
      System.err.println("The stack is already running (pid " + running.get().pid() + ")");
      return;
    }
    try (Spinner spinner = new Spinner("Starting the ArgonDB stack")) {
      ProcessHandle process = stack.spawn();
      stack.awaitHealthy(process, settings, Duration.ofMinutes(2));
      spinner.done("pid " + process.pid() + ", log " + home.logFile());
    }
  }
}
