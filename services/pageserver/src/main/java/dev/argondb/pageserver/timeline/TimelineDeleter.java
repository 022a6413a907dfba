package dev.argondb.pageserver.timeline;

import dev.argondb.bus.PageserverTimelineInfo;
import dev.argondb.durable.DurableFiles;
import dev.argondb.pageserver.PageserverException;
import dev.argondb.pgruntime.PgFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes timelines in two steps around stopping their ingest. {@link #detach} (under the timelines' lock,
 * like creations): refuses an unknown timeline or one that others branch from, then stops serving it and
 * ends the basebackups waiting on it. {@link #removeFiles} (once its ingest has stopped): closes it, renames
 * its directory to {@code deleted-*} and fsyncs the parent, so a crash from then on leaves a directory that
 * the next load removes rather than a half-deleted timeline, then removes it. Blocking.
 */
public final class TimelineDeleter {
  private static final Logger LOG = LoggerFactory.getLogger(TimelineDeleter.class);

  private final Timelines timelines;

  public TimelineDeleter(Timelines timelines) {
    this.timelines = timelines;
  }

  /** Checks and stops serving the timeline; returns it (and what it was) for {@link #removeFiles}. */
  public Timeline detach(String tenantId, String timelineId) {
    // A branch created within the last second is still in the creation journal, and must leave it before it is
    // deleted, or recovery would bring it back. That takes a checkpoint (a few fsyncs): done here, outside the
    // lock, so creations do not queue behind it; the call under the lock then finds nothing left to wait for
    // (unless the same id was deleted and created again meanwhile).
    forgetCreation(tenantId, timelineId);
    synchronized (timelines) {
      Timeline timeline = timelines.get(tenantId, timelineId);
      var children = timelines.childrenOf(timeline);
      if (!children.isEmpty()) {
        throw PageserverException.conflict("timeline " + tenantId + "/" + timelineId + " is the ancestor of "
            + children.stream().map(Timeline::timelineId).sorted().collect(Collectors.joining(", "))
            + ": delete those first");
      }
      List<String> snapshots;
      try {
        snapshots = dev.argondb.pageserver.gc.Snapshots.namesOn(timeline);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      if (!snapshots.isEmpty()) {
        throw PageserverException.conflict("timeline " + tenantId + "/" + timelineId + " has snapshot(s) "
            + String.join(", ", snapshots) + ": delete those first");
      }
      forgetCreation(tenantId, timelineId);
      timelines.startDeleting(timeline);
      timeline.lsnWaiters().failAll(PageserverException.notFound("timeline " + tenantId + "/" + timelineId
          + " was deleted"));
      return timeline;
    }
  }

  private void forgetCreation(String tenantId, String timelineId) {
    try {
      timelines.journal().forget(tenantId, timelineId);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Removes a detached timeline's directory; call once nothing writes to it any more. */
  public PageserverTimelineInfo removeFiles(Timeline timeline) throws IOException {
    PageserverTimelineInfo info = timeline.info();
    try {
      timeline.close();
    } catch (IOException e) {
      LOG.warn("Closing deleted timeline {}/{} failed; removing it anyway", timeline.tenantId(),
          timeline.timelineId(), e);
    }
    Path dir = timeline.dir();
    Path doomed = dir.resolveSibling(Timelines.DELETED_PREFIX + timeline.timelineId() + "-" + System.nanoTime());
    if (Files.exists(dir)) {
      Files.move(dir, doomed, StandardCopyOption.ATOMIC_MOVE);
      DurableFiles.fsyncDirectory(dir.getParent());
      PgFiles.deleteRecursively(doomed);
    }
    timelines.deleted(timeline);
    LOG.info("Deleted timeline {}/{}", timeline.tenantId(), timeline.timelineId());
    return info;
  }
}
