package dev.argondb.pageserver.gc;

import dev.argondb.pageserver.image.Image;
import dev.argondb.pageserver.timeline.GcState;
import dev.argondb.pageserver.timeline.Timeline;
import dev.argondb.pageserver.timeline.Timelines;
import dev.argondb.pgformat.Lsn;
import dev.argondb.pgformat.WalSegments;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GC of one timeline on local disk, in two steps. {@link #prepare} settles the cutoff and the retained points (child
 * branch points, snapshots, leases) under the timelines' lock, which branch and snapshot creation hold too, plans
 * with {@link GcPlanner} and saves the new {@link GcState} before anything is deleted, so nothing can start below
 * the cutoff once data goes. {@link #deleteLocal} then deletes the images and WAL segments of the plan. Blocking.
 */
public final class TimelineGc {
  private static final Logger LOG = LoggerFactory.getLogger(TimelineGc.class);

  /** A settled plan. */
  public record Prepared(Timeline timeline, GcPlanner.Plan plan, GcState state) {}

  /**
   * What a local deletion freed: LSNs of the images and numbers of the WAL segments it deleted (what remote storage
   * may drop too).
   */
  public record Freed(int images, long imageBytes, int segments, long walBytes, Set<Long> deletedImages,
                      Set<Long> deletedSegments) {}

  private TimelineGc() {}

  /**
   * @param remoteConsistentLsn -1 without remote storage
   * @param uploadedImageLsns   LSNs of the timeline's images in remote storage (null without remote storage): GC
   *                            waits until the image its cutoff reads from is uploaded, so remote storage always
   *                            holds one
   * @param remoteSegments      WAL segments in remote storage (empty without): planned with the local ones, so a
   *                            segment gone locally but still listed remotely (a remote step that failed) goes too
   */
  public static Prepared prepare(Timelines timelines, Timeline timeline, TenantSettings settings, GcLeases leases,
                                 long remoteConsistentLsn, Set<Long> uploadedImageLsns, Set<Long> remoteSegments)
      throws IOException {
    synchronized (timelines) {
      long cutoff = GcCutoff.of(timeline, settings.pitrInterval(timeline.tenantId()), System.currentTimeMillis(),
          remoteConsistentLsn);
      Set<Long> retained = new HashSet<>();
      for (Timeline child : timelines.childrenOf(timeline)) {
        retained.add(child.metadata().ancestorLsn());
      }
      Snapshots.of(timeline).forEach(s -> retained.add(s.lsn()));
      retained.addAll(leases.live(timeline.tenantId(), timeline.timelineId()));
      List<GcPlanner.ImageRef> images = new ArrayList<>();
      for (Image image : timeline.images().all()) {
        boolean sameTimeline = image.base() != null && image.base().timelineId().equals(timeline.timelineId());
        images.add(new GcPlanner.ImageRef(image.lsn(), image.redoLsn(), sameTimeline ? image.base().lsn() : -1));
      }
      if (uploadedImageLsns != null) {
        var readFrom = timeline.images().latestAtOrBelow(cutoff);
        if (readFrom.isPresent() && !uploadedImageLsns.contains(readFrom.get().lsn())) {
          LOG.info("GC of {}/{} waits: image {} is not uploaded yet", timeline.tenantId(), timeline.timelineId(),
              Lsn.format(readFrom.get().lsn()));
          cutoff = timeline.gcState().cutoffLsn() == 0 ? timeline.startLsn() : timeline.gcState().cutoffLsn();
        }
      }
      Set<Long> segments = new HashSet<>(timeline.wal().segments());
      segments.addAll(remoteSegments);
      GcPlanner.Plan plan = GcPlanner.plan(new GcPlanner.Input(timeline.startLsn(), cutoff, images,
          List.copyOf(segments), retained, pinnedImages(timelines, timeline)));
      GcState state = new GcState(cutoff, new HashSet<>(plan.retained()));
      if (!state.equals(timeline.gcState()) && cutoff != timeline.startLsn()) {
        timeline.setGcState(state);
      }
      return new Prepared(timeline, plan, timeline.gcState());
    }
  }

  /** Images of {@code timeline} that images of other timelines of the tenant are deltas on. */
  private static Set<Long> pinnedImages(Timelines timelines, Timeline timeline) {
    Set<Long> pinned = new HashSet<>();
    for (Timeline other : timelines.all()) {
      if (other != timeline && other.tenantId().equals(timeline.tenantId())) {
        for (Image image : other.images().all()) {
          if (image.base() != null && image.base().timelineId().equals(timeline.timelineId())) {
            pinned.add(image.base().lsn());
          }
        }
      }
    }
    return pinned;
  }

  /**
   * Deletes what the plan does not need: images first (newest first, so no kept delta loses a base), then WAL. An
   * image a reader has pinned (a basebackup being streamed) stays until a later pass, with the images it is based
   * on.
   */
  public static Freed deleteLocal(Prepared prepared, java.util.function.Predicate<Image> pinned) throws IOException {
    Timeline timeline = prepared.timeline();
    int images = 0;
    long imageBytes = 0;
    List<Long> doomed = new ArrayList<>(prepared.plan().deleteImages());
    java.util.Collections.reverse(doomed);
    Set<Long> deleted = new HashSet<>();
    Set<Long> keptBases = new HashSet<>();
    for (long lsn : doomed) {
      var image = timeline.images().at(lsn);
      if (image.isEmpty()) {
        continue;
      }
      if (keptBases.contains(lsn) || pinned.test(image.get())) {
        if (image.get().base() != null && image.get().base().timelineId().equals(timeline.timelineId())) {
          keptBases.add(image.get().base().lsn()); // a delta that stays needs its base
        }
        continue;
      }
      imageBytes += timeline.images().remove(image.get());
      deleted.add(lsn);
      images++;
    }
    int segments = 0;
    long walBytes = 0;
    Set<Long> deletedSegments = new HashSet<>();
    // A pinned image is being read (a basebackup started before this pass, perhaps at an LSN now below the cutoff):
    // the WAL from its redo point on stays too, until a later pass.
    long keepWalFrom = Long.MAX_VALUE;
    for (Image image : timeline.images().all()) {
      if (pinned.test(image)) {
        keepWalFrom = Math.min(keepWalFrom, WalSegments.segmentNumber(image.redoLsn()));
      }
    }
    for (long segNo : prepared.plan().deleteSegments()) {
      if (segNo >= keepWalFrom) {
        continue;
      }
      long bytes = timeline.wal().deleteSegment(segNo);
      deletedSegments.add(segNo); // gone locally (now or before): remote storage may drop it too
      if (bytes > 0) {
        walBytes += bytes;
        segments++;
      }
    }
    if (images + segments > 0) {
      LOG.info("GC of {}/{} at cutoff {} (retained {}): deleted {} image(s) ({} KB) and {} WAL segment(s)",
          timeline.tenantId(), timeline.timelineId(), Lsn.format(prepared.plan().cutoff()),
          prepared.plan().retained().stream().map(Lsn::format).toList(), images, imageBytes / 1024, segments);
    }
    return new Freed(images, imageBytes, segments, walBytes, Set.copyOf(deleted), Set.copyOf(deletedSegments));
  }
}
