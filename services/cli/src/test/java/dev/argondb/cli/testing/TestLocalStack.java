package dev.argondb.cli.testing;

import dev.argondb.cli.ArgonHome;
import dev.argondb.cli.LocalStackSettings;
import dev.argondb.cli.TestStackSettings;
import dev.argondb.cli.stack.ControlPlaneDatabase;
import dev.argondb.cli.stack.GatewayCertificate;
import dev.argondb.cli.stack.LocalStack;
import java.nio.file.Files;

/**
 * A whole local stack for one test class, on free ports in a fresh Argon home (set as {@code argon.home}, so
 * the CLI run in the test's JVM talks to it); {@link #close} stops it and removes the directory.
 */
public record TestLocalStack(ArgonHome home, LocalStackSettings settings, LocalStack stack) implements AutoCloseable {

  /** @param withTls generate the gateway's certificate first (as {@code argon init} does) */
  public static TestLocalStack start(String name, boolean withTls) throws Exception {
    return start(name, withTls, settings -> settings);
  }

  /** As {@link #start(String, boolean)}, with the settings on free ports changed by {@code adjust}. */
  public static TestLocalStack start(String name, boolean withTls,
                                     java.util.function.UnaryOperator<LocalStackSettings> adjust) throws Exception {
    ArgonHome home = new ArgonHome(Files.createTempDirectory("argon-" + name + "-"));
    System.setProperty("argon.home", home.root().toString());
    LocalStackSettings settings = adjust.apply(TestStackSettings.onFreePorts());
    ControlPlaneDatabase.initialize(home, settings);
    if (withTls) {
      GatewayCertificate.generate(home);
    }
    home.writeSettings(settings);
    LocalStack stack = LocalStack.start(home, settings, "argon-" + name + "-" + System.nanoTime()).await();
    return new TestLocalStack(home, settings, stack);
  }

  @Override
  public void close() {
    stack.close();
    TestDirs.deleteUnlessKept(home.root());
    System.clearProperty("argon.home");
  }
}
