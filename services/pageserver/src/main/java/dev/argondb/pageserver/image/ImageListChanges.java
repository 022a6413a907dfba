package dev.argondb.pageserver.image;

import dev.argondb.pageserver.timeline.Timeline;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which timelines' image lists changed between two looks. An {@link ImageStore} replaces its list whenever an image
 * is added or removed and never changes one in place, so comparing references is enough: periodic work over
 * every timeline (logical sizes, the layer cache's listing) costs a reference comparison per idle timeline.
 * Not thread-safe: one owner.
 */
public final class ImageListChanges {
  private Map<Timeline, List<Image>> before = Map.of();
  private Map<Timeline, List<Image>> now = Map.of();

  /** Takes the timelines' current lists; {@link #changed} and {@link #anyChanged} compare them with the last look. */
  public void look(Collection<Timeline> timelines) {
    Map<Timeline, List<Image>> lists = new HashMap<>();
    for (Timeline timeline : timelines) {
      lists.put(timeline, timeline.images().all());
    }
    before = now;
    now = lists;
  }

  /** Whether {@code timeline}'s list (as of this look) differs from the last look's, or it was not there. */
  public boolean changed(Timeline timeline) {
    return before.get(timeline) != now.get(timeline);
  }

  /** Whether any timeline's list changed, or a timeline came or went. */
  public boolean anyChanged() {
    return !before.keySet().equals(now.keySet()) || now.keySet().stream().anyMatch(this::changed);
  }
}
