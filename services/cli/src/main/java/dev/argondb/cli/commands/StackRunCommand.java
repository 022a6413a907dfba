package dev.argondb.cli.commands;

import dev.argondb.cli.ArgonHome;
import dev.argondb.cli.stack.LocalStack;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;

/** Runs the whole local stack in this JVM until SIGTERM; {@code argon start} spawns it in the background. */
@Command(name = "stack-run", hidden = true, description = "Run the local stack in the foreground.")
public final class StackRunCommand implements Callable<Integer> {

  @Override
  public Integer call() throws Exception {
    ArgonHome home = ArgonHome.fromEnvironment();
    LocalStack stack = LocalStack.start(home, home.readSettings(), "argon-local").await();
    Files.writeString(home.pidFile(), Long.toString(ProcessHandle.current().pid()), StandardCharsets.UTF_8);
    CountDownLatch stopped = new CountDownLatch(1);
    // Vert.x installs no shutdown hook: without this, SIGTERM would leave computes running.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stack.close();
      stopped.countDown();
    }, "argon-shutdown"));
    stopped.await();
    return 0;
  }
}
