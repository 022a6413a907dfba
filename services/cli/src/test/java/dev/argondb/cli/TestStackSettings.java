package dev.argondb.cli;

import dev.argondb.pgruntime.FreePorts;
import java.util.List;

/** Local stack settings on free ports, so tests never collide with each other or with a running stack. */
public final class TestStackSettings {
  private TestStackSettings() {}

  /** Every port free, three safekeepers with a quorum of two. */
  public static LocalStackSettings onFreePorts() {
    return LocalStackSettings.defaults()
        .withPorts(FreePorts.pick(), FreePorts.pick(), FreePorts.pick(), FreePorts.pick(), FreePorts.pick())
        .withSafekeepers(List.of(FreePorts.pick(), FreePorts.pick(), FreePorts.pick()), 2, FreePorts.pick())
        .withPageserverPort(FreePorts.pick());
  }
}
