package dev.argondb.loadtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The quorum-commit benchmark's CPU accounting, against real processes that burn known CPU. */
class ProcessCpuTest {
  /** A shell loop that keeps a core busy for a few hundred milliseconds. */
  private static final String BURN = "i=0; while [ $i -lt 400000 ]; do i=$((i+1)); done";
  private static final long SOME_CPU_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  @Test
  void aChildThatEndedIsCountedOnceItWasWaitedFor() throws Exception {
    long before = ProcessCpu.reapedChildrenNanos();
    Process child = new ProcessBuilder("sh", "-c", BURN).start();
    assertEquals(0, child.waitFor());
    assertTrue(ProcessCpu.reapedChildrenNanos() - before >= SOME_CPU_NANOS, "the child's CPU is counted");
  }

  @Test
  void walsendersAreSplitFromTheRestOfTheServerAndEndedChildrenStillCount() throws Exception {
    // A stand-in postmaster (a shell) with two children: one named as Postgres names a walsender, one backend
    // that ends before the second look. Both start idle and burn CPU between the two looks.
    Process postmaster = new ProcessBuilder("bash", "-c",
        "(exec -a 'postgres: walsender repl 127.0.0.1' bash -c 'sleep 1; " + BURN + "; sleep 5; :') & "
            + "(exec -a 'postgres: bench postgres' bash -c 'sleep 1; " + BURN + "') & wait").start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      ProcessCpu.PostgresSnapshot before;
      do { // the first look once the walsender runs (its CPU counts from there, as in the benchmark)
        Thread.sleep(50);
        before = ProcessCpu.postgres(postmaster.pid());
      } while (before.walsenders().isEmpty() && System.nanoTime() < deadline);
      // The second look once the backend has ended and was waited for, while the walsender idles.
      while (postmaster.children().count() > 1 && postmaster.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      ProcessCpu.PostgresSnapshot after = ProcessCpu.postgres(postmaster.pid());
      assertTrue(after.walsenderNanosSince(before) >= SOME_CPU_NANOS, "the walsender's CPU");
      assertTrue(after.allNanos() - before.allNanos() - after.walsenderNanosSince(before) >= SOME_CPU_NANOS,
          "the ended backend's CPU counts as the rest of the server");
    } finally {
      postmaster.descendants().forEach(ProcessHandle::destroyForcibly);
      postmaster.destroyForcibly().waitFor();
    }
  }
}
