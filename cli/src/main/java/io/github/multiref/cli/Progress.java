package io.github.multiref.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A progress line on the terminal for long runs: {@code label: 1,234,567 pairs, 12.3 s}, redrawn
 * twice a second on stderr by a daemon thread, and nothing at all when stderr is not a terminal
 * (so files and pipes get the summary line alone). Counts may come from any thread.
 */
final class Progress implements AutoCloseable {

  private static final long PERIOD_MILLIS = 500;

  private final PrintWriter err;
  private final AtomicLong count = new AtomicLong();
  private final long start = System.nanoTime();
  private final Thread painter;
  private volatile String phase;
  private volatile String unit;
  private volatile boolean drawn;

  private Progress(PrintWriter err, String phase, String unit, boolean terminal) {
    this.err = err;
    this.phase = phase;
    this.unit = unit;
    this.painter = terminal ? new Thread(this::paint, "multiref-progress") : null;
    if (painter != null) {
      painter.setDaemon(true);
      painter.start();
    }
  }

  /** Progress on {@code err}, drawn only when the JVM has a console. */
  static Progress start(PrintWriter err, String phase, String unit) {
    return new Progress(err, phase, unit, System.console() != null);
  }

  /** Adds n to the count. */
  void add(long n) {
    count.addAndGet(n);
  }

  /** Switches to another phase (its count starts again at 0; a null unit shows time alone). */
  void phase(String newPhase, String newUnit) {
    phase = newPhase;
    unit = newUnit;
    count.set(0);
  }

  private void paint() {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        Thread.sleep(PERIOD_MILLIS);
        draw();
      }
    } catch (InterruptedException stopped) {
      // closed
    }
  }

  private void draw() {
    double seconds = (System.nanoTime() - start) / 1e9;
    String what = unit == null ? "" : String.format(Locale.ROOT, "%,d %s, ", count.get(), unit);
    synchronized (err) {
      err.printf(Locale.ROOT, "\r%s: %s%.1f s   ", phase, what, seconds);
      err.flush();
    }
    drawn = true;
  }

  /** Stops drawing and clears the line, so that the summary starts on a clean line. */
  @Override
  public void close() {
    if (painter == null) {
      return;
    }
    painter.interrupt();
    try {
      painter.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (drawn) {
      synchronized (err) {
        err.print("\r" + " ".repeat(72) + "\r");
        err.flush();
      }
    }
  }
}
