package dev.argondb.bus;

import java.util.Locale;

/** Lifecycle of one compute (a Postgres process serving an endpoint). */
public enum ComputeState {
  STARTING, RUNNING, SUSPENDING, SUSPENDED, FAILED;

  /** The lower-case name used in the REST API, the CLI and metrics. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static ComputeState fromLabel(String label) {
    return valueOf(label.toUpperCase(Locale.ROOT));
  }
}
