package dev.argondb.safekeeper.wal;

import dev.argondb.durable.DurableFiles;
import dev.argondb.pgformat.WalSegments;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Where a safekeeper keeps one timeline: {@code <dataDir>/tenants/<tenantId>/timelines/<timelineId>/}
 * holding 16 MB WAL segment files named as Postgres names them (timeline ID 1: every compute
 * crash-recovers onto timeline 1, so names repeat across timelines and a file is only ever
 * addressed through its timeline's directory) and the {@link TimelineControlFile}.
 */
public final class TimelineDirectory {
  /** Tenant and timeline IDs are 32 lowercase hex digits (see DESIGN.md); nothing else reaches the file system. */
  private static final Pattern ID = Pattern.compile("[0-9a-f]{32}");
  static final String CONTROL_FILE_NAME = "safekeeper.control.json";

  private final String tenantId;
  private final String timelineId;
  private final Path path;

  private TimelineDirectory(String tenantId, String timelineId, Path path) {
    this.tenantId = tenantId;
    this.timelineId = timelineId;
    this.path = path;
  }

  public static TimelineDirectory of(Path dataDir, String tenantId, String timelineId) {
    requireId("tenant", tenantId);
    requireId("timeline", timelineId);
    return new TimelineDirectory(tenantId, timelineId,
        dataDir.resolve("tenants").resolve(tenantId).resolve("timelines").resolve(timelineId));
  }

  private static void requireId(String what, String id) {
    if (id == null || !ID.matcher(id).matches()) {
      throw new IllegalArgumentException(what + " ID must be 32 lowercase hex digits: " + id);
    }
  }

  public String tenantId() {
    return tenantId;
  }

  public String timelineId() {
    return timelineId;
  }

  public Path path() {
    return path;
  }

  public boolean exists() {
    return Files.isDirectory(path);
  }

  /** Creates the directory and whichever of its parents are new, durably. Blocking. */
  public void create() throws IOException {
    DurableFiles.createDirectories(path);
  }

  public Path segmentFile(long segmentNumber) {
    return path.resolve(WalSegments.fileName(WalSegments.DEFAULT_TIMELINE, segmentNumber));
  }

  public Path controlFile() {
    return path.resolve(CONTROL_FILE_NAME);
  }

  /** Numbers of the segment files present, ascending. Blocking. */
  public List<Long> segmentNumbers() throws IOException {
    if (!exists()) {
      return List.of();
    }
    List<Long> numbers = new ArrayList<>();
    try (var files = Files.list(path)) {
      for (Path f : files.toList()) {
        String name = f.getFileName().toString();
        if (WalSegments.isSegmentFileName(name)) {
          numbers.add(WalSegments.parseFileName(name).segmentNumber());
        }
      }
    }
    Collections.sort(numbers);
    return numbers;
  }
}
