package dev.argondb.cli;

import dev.argondb.cli.commands.EndpointCommand;
import dev.argondb.cli.commands.InitCommand;
import dev.argondb.cli.commands.RoleCommand;
import dev.argondb.cli.commands.SafekeeperCommand;
import dev.argondb.cli.commands.ServiceCommand;
import dev.argondb.cli.commands.StackRunCommand;
import dev.argondb.cli.commands.StartCommand;
import dev.argondb.cli.commands.StatusCommand;
import dev.argondb.cli.commands.StopCommand;
import dev.argondb.cli.commands.SnapshotCommand;
import dev.argondb.cli.commands.TenantCommand;
import dev.argondb.cli.commands.TimelineCommand;
import dev.argondb.cli.commands.UpCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code argon}: the local ArgonDB stack and its tenants, branches and endpoints, as Neon's neon_local. */
@Command(name = "argon", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT,
    version = "ArgonDB 0.1.0",
    description = "Serverless PostgreSQL on the JVM: run a local stack and manage tenants and endpoints.",
    subcommands = {InitCommand.class, StartCommand.class, StopCommand.class, StatusCommand.class, UpCommand.class,
        TenantCommand.class, TimelineCommand.class, SnapshotCommand.class, EndpointCommand.class, RoleCommand.class,
        SafekeeperCommand.class,
        ServiceCommand.class, StackRunCommand.class, CommandLine.HelpCommand.class})
public final class ArgonCli {

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs one command line; errors print one line on stderr and give exit code 1 (2 for usage errors). */
  public static int run(String... args) {
    CommandLine cli = new CommandLine(new ArgonCli());
    cli.setExecutionExceptionHandler((error, commandLine, parseResult) -> {
      String message = error instanceof CliException ? error.getMessage() : error.toString();
      commandLine.getErr().println("argon: " + message);
      return 1;
    });
    cli.setParameterExceptionHandler((error, args1) -> {
      CommandLine failed = error.getCommandLine();
      failed.getErr().println("argon: " + error.getMessage() + " (see '" + failed.getCommandSpec().qualifiedName()
          + " --help')");
      return 2;
    });
    return cli.execute(args);
  }
}
