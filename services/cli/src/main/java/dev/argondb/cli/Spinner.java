package dev.argondb.cli;

import java.io.PrintStream;

/**
 * Shows that long work goes on: an animated line on a terminal, a plain line otherwise, then the
 * outcome with the elapsed time.
 */
public final class Spinner implements AutoCloseable {
  private static final char[] FRAMES = {'⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'};
  private final PrintStream out = System.err;
  private final String task;
  private final long started = System.nanoTime();
  private final boolean interactive = System.console() != null;
  private final Thread animation;
  private volatile boolean finished;

  public Spinner(String task) {
    this.task = task;
    if (interactive) {
      animation = new Thread(this::animate, "spinner");
      animation.setDaemon(true);
      animation.start();
    } else {
      animation = null;
      out.println(task + " ...");
    }
  }

  private void animate() {
    int frame = 0;
    while (!finished) {
      out.print("\r" + FRAMES[frame++ % FRAMES.length] + " " + task + " " + elapsed());
      out.flush();
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private String elapsed() {
    return String.format("(%.1fs)", (System.nanoTime() - started) / 1e9);
  }

  public void done(String outcome) {
    finish("✔ " + task + ": " + outcome + " " + elapsed());
  }

  public void failed(String outcome) {
    finish("✘ " + task + ": " + outcome);
  }

  private synchronized void finish(String line) {
    if (finished) {
      return;
    }
    finished = true;
    if (animation != null) {
      animation.interrupt();
      try {
        animation.join(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      out.print("\r\033[K");
    }
    out.println(line);
  }

  /** Without {@link #done} the work failed; the caller reports why on the next line. */
  @Override
  public void close() {
    finish("✘ " + task);
  }
}
