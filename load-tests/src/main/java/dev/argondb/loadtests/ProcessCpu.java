package dev.argondb.loadtests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * CPU time of processes from {@code /proc/PID/stat} (Linux), for a benchmark that accounts for the whole machine:
 * a Postgres server split into its walsenders and everything else, and the children this JVM has waited for
 * (pgbench). Resolution is the kernel's clock tick (10 ms), plenty over a run of seconds.
 */
final class ProcessCpu {
  /** {@code sysconf(_SC_CLK_TCK)}: 100 on every Linux this runs on. */
  private static final long NANOS_PER_TICK = 10_000_000L;

  private ProcessCpu() {}

  /** CPU of a Postgres server at one moment: its walsenders (by PID) and the whole server. */
  record PostgresSnapshot(Map<Long, Long> walsenders, long allNanos) {
    /** CPU the walsenders alive at both moments used in between. */
    long walsenderNanosSince(PostgresSnapshot before) {
      long sum = 0;
      for (Map.Entry<Long, Long> sender : walsenders.entrySet()) {
        Long earlier = before.walsenders.get(sender.getKey());
        if (earlier != null) {
          sum += sender.getValue() - earlier;
        }
      }
      return sum;
    }
  }

  /**
   * The server whose postmaster is {@code postmasterPid}: the postmaster's own CPU and that of its children it has
   * reaped (backends that ended count there), plus every live child's.
   */
  static PostgresSnapshot postgres(long postmasterPid) throws IOException {
    long[] postmaster = stat(postmasterPid);
    long all = postmaster[0] + postmaster[1] + postmaster[2] + postmaster[3];
    Map<Long, Long> walsenders = new HashMap<>();
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path proc : procs) {
        long pid = Long.parseLong(proc.getFileName().toString());
        long[] child = statOrNull(pid);
        if (child == null || child[4] != postmasterPid) {
          continue;
        }
        long own = child[0] + child[1];
        all += own;
        if (commandLine(pid).startsWith("postgres: walsender")) {
          walsenders.put(pid, own * NANOS_PER_TICK);
        }
      }
    }
    return new PostgresSnapshot(walsenders, all * NANOS_PER_TICK);
  }

  /** CPU of this JVM's children that ended and were waited for (pgbench runs, once each has exited). */
  static long reapedChildrenNanos() throws IOException {
    long[] self = stat(ProcessHandle.current().pid());
    return (self[2] + self[3]) * NANOS_PER_TICK;
  }

  private static long[] stat(long pid) throws IOException {
    long[] fields = statOrNull(pid);
    if (fields == null) {
      throw new IOException("no process " + pid);
    }
    return fields;
  }

  /** utime, stime, cutime, cstime (ticks) and the parent's PID; null once the process is gone. */
  private static long[] statOrNull(long pid) {
    String stat;
    try {
      stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return null;
    }
    // After "pid (comm) ", which may hold spaces: state, ppid, ... utime is the 14th field of the line.
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]), Long.parseLong(f[14]),
        Long.parseLong(f[1])};
  }

  private static String commandLine(long pid) {
    try {
      return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
