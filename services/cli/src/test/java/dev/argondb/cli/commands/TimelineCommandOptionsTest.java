package dev.argondb.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.argondb.cli.ArgonCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Option checks that refuse a command line before anything is sent: one line on stderr, exit code 2. */
class TimelineCommandOptionsTest {

  @Test
  void anLsnAndATimeTogetherAreRefused() {
    Result result = run("timeline", "branch", "--branch-name", "before_drop", "--ancestor-start-lsn", "0/16F9A00",
        "--ancestor-start-time", "2026-11-24 10:00:00+00");
    assertEquals(2, result.exitCode());
    assertTrue(result.stderr().startsWith("argon: "), result.stderr());
    assertTrue(result.stderr().contains("mutually exclusive"), result.stderr());
    assertEquals(1, result.stderr().strip().lines().count(), result.stderr());
  }

  @Test
  void aBranchNeedsItsName() {
    Result result = run("timeline", "branch", "--ancestor-start-lsn", "0/16F9A00");
    assertEquals(2, result.exitCode());
    assertTrue(result.stderr().contains("--branch-name"), result.stderr());
    assertEquals(2, run("timeline", "delete").exitCode());
  }

  private record Result(int exitCode, String stderr) {}

  private static Result run(String... args) {
    PrintStream saved = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int code = ArgonCli.run(args);
      return new Result(code, err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(saved);
    }
  }
}
