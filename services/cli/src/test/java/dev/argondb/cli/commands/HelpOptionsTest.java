package dev.argondb.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.argondb.cli.ArgonCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Every usage error says "see 'argon ... --help'": that option must work on every subcommand. */
class HelpOptionsTest {

  @Test
  void everySubcommandTakesHelp() {
    for (String[] command : new String[][] {{"endpoint"}, {"endpoint", "create"}, {"timeline", "branch"},
        {"safekeeper", "list"}, {"tenant"}}) {
      String[] args = java.util.Arrays.copyOf(command, command.length + 1);
      args[command.length] = "--help";
      PrintStream savedOut = System.out;
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      int code;
      try {
        code = ArgonCli.run(args);
      } finally {
        System.setOut(savedOut);
      }
      String usage = out.toString(StandardCharsets.UTF_8);
      assertEquals(0, code, String.join(" ", args));
      assertTrue(usage.startsWith("Usage: argon " + String.join(" ", command)), usage);
    }
  }
}
