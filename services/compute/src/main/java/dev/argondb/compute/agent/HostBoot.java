package dev.argondb.compute.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Which boot of the host this is: Linux's random boot id, new at every boot. */
final class HostBoot {
  private static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");

  private HostBoot() {}

  /** The boot id, or empty where there is none (then no directory counts as written during this boot). */
  static String id() {
    try {
      return Files.readString(BOOT_ID, StandardCharsets.UTF_8).trim();
    } catch (IOException | UnsupportedOperationException e) {
      return "";
    }
  }
}
