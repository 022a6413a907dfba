package dev.argondb.loadtests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs {@code pgbench} (Debian postgresql-client) and reads its TPS. */
final class Pgbench {
  private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+) \\((?:without initial connection time|including reconnection times)\\)");

  private Pgbench() {}

  /** pgbench with {@code args} against host:port as the given user; returns its output. */
  static String run(String host, int port, String user, String password, Map<String, String> env, List<String> args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("pgbench", "-h", host, "-p", Integer.toString(port), "-U", user));
    command.addAll(args);
    command.add("postgres");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("PGPASSWORD", password);
    builder.environment().putAll(env);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IOException("pgbench " + args + " failed:\n" + output);
    }
    return output;
  }

  static double tps(String output) {
    Matcher m = TPS.matcher(output);
    if (!m.find()) {
      throw new IllegalStateException("no TPS in pgbench output:\n" + output);
    }
    return Double.parseDouble(m.group(1));
  }
}
