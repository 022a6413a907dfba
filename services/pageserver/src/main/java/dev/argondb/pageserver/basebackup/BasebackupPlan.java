package dev.argondb.pageserver.basebackup;

import dev.argondb.pageserver.image.Image;
import java.util.List;

/** What a basebackup at {@code lsn} sends: the entries of the tar, built from {@code image} and the WAL. */
public record BasebackupPlan(String tenantId, String timelineId, long lsn, Image image, List<TarEntrySource> entries) {
  public long totalBytes() {
    return entries.stream().mapToLong(TarEntrySource::size).sum();
  }
}
