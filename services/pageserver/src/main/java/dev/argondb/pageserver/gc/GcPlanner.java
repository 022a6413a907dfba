package dev.argondb.pageserver.gc;

import dev.argondb.pgformat.WalSegments;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides what GC may delete of one timeline; pure logic, no I/O. Reading at LSN L needs the newest image at or
 * below L with the images it is a delta on, and the WAL from that image's redo LSN up to L (a branch with no own
 * image at or below L reads its ancestor's image and its own WAL from its start). Everything at or above the
 * cutoff stays readable, and so does every retained point below it (child branch points, snapshots, leases);
 * images and whole WAL segments that none of them needs are deleted. Images of this timeline that a descendant's
 * delta image is based on are pinned.
 */
public final class GcPlanner {
  private GcPlanner() {}

  /**
   * One image of the timeline.
   *
   * @param baseLsn the LSN of the image of this same timeline it is a delta on; -1 for a full image or a delta on
   *                an ancestor's image (the ancestor keeps that one: this timeline's start is its retained point)
   */
  public record ImageRef(long lsn, long redoLsn, long baseLsn) {
    public static ImageRef full(long lsn, long redoLsn) {
      return new ImageRef(lsn, redoLsn, -1);
    }
  }

  /**
   * What GC knows of a timeline.
   *
   * @param startLsn      where the timeline's own WAL starts
   * @param cutoff        everything at or above it stays readable
   * @param images        the timeline's images
   * @param segments      the WAL segment numbers it holds
   * @param retained      points below the cutoff that must stay readable (others are ignored)
   * @param pinnedImages  LSNs of images that must stay whatever (bases of descendants' images)
   */
  public record Input(long startLsn, long cutoff, List<ImageRef> images, List<Long> segments, Set<Long> retained,
                      Set<Long> pinnedImages) {}

  /**
   * What to keep and delete.
   *
   * @param retained       the retained points below the cutoff honoured (sorted)
   * @param deleteImages   LSNs of images to delete (sorted)
   * @param deleteSegments segment numbers to delete (sorted)
   */
  public record Plan(long cutoff, List<Long> retained, List<Long> keepImages, List<Long> deleteImages,
                     List<Long> deleteSegments) {
    public boolean deletesNothing() {
      return deleteImages.isEmpty() && deleteSegments.isEmpty();
    }
  }

  public static Plan plan(Input input) {
    Map<Long, ImageRef> byLsn = new HashMap<>();
    input.images().forEach(image -> byLsn.put(image.lsn(), image));
    TreeSet<Long> keep = new TreeSet<>();
    List<long[]> walNeeded = new ArrayList<>(); // [from, to] inclusive LSN ranges; to = Long.MAX_VALUE: open
    TreeSet<Long> points = new TreeSet<>();
    for (long point : input.retained()) {
      if (point < input.cutoff() && point >= input.startLsn()) {
        points.add(point);
      }
    }
    for (long point : points) {
      need(point, point, input, byLsn, keep, walNeeded);
    }
    need(input.cutoff(), Long.MAX_VALUE, input, byLsn, keep, walNeeded);
    for (ImageRef image : input.images()) {
      if (image.lsn() > input.cutoff() || input.pinnedImages().contains(image.lsn())) {
        keepWithBases(image, byLsn, keep);
        walNeeded.add(new long[] {image.redoLsn(), image.lsn() > input.cutoff() ? Long.MAX_VALUE : image.lsn()});
      }
    }
    List<Long> deleteImages = input.images().stream().map(ImageRef::lsn).filter(lsn -> !keep.contains(lsn))
        .sorted().toList();
    List<Long> deleteSegments = new ArrayList<>();
    for (long segNo : new TreeSet<>(input.segments())) {
      if (walNeeded.stream().noneMatch(range -> overlaps(segNo, range))) {
        deleteSegments.add(segNo);
      }
    }
    return new Plan(input.cutoff(), List.copyOf(points), List.copyOf(keep), deleteImages, deleteSegments);
  }

  /** Keeps what reading at {@code point} needs; WAL is needed from the image's redo up to {@code walTo}. */
  private static void need(long point, long walTo, Input input, Map<Long, ImageRef> byLsn, Set<Long> keep,
                           List<long[]> walNeeded) {
    ImageRef newest = null;
    for (ImageRef image : input.images()) {
      if (image.lsn() <= point && (newest == null || image.lsn() > newest.lsn())) {
        newest = image;
      }
    }
    if (newest == null) {
      walNeeded.add(new long[] {input.startLsn(), walTo}); // reads through the ancestor's image
      return;
    }
    keepWithBases(newest, byLsn, keep);
    walNeeded.add(new long[] {newest.redoLsn(), walTo});
  }

  private static void keepWithBases(ImageRef image, Map<Long, ImageRef> byLsn, Set<Long> keep) {
    // Each base down to a full image (or one on an ancestor); an image kept already has its bases kept too.
    for (ImageRef at = image; at != null && keep.add(at.lsn()); ) {
      at = at.baseLsn() < 0 ? null : byLsn.get(at.baseLsn());
    }
  }

  private static boolean overlaps(long segNo, long[] range) {
    long first = WalSegments.segmentNumber(range[0]);
    long last = range[1] == Long.MAX_VALUE ? Long.MAX_VALUE : WalSegments.segmentNumber(range[1]);
    return segNo >= first && segNo <= last;
  }
}
