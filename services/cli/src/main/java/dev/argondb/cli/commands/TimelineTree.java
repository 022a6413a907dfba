package dev.argondb.cli.commands;

import dev.argondb.pgformat.Lsn;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A tenant's timelines as the tree neon_local prints: roots as {@code (L) name [id]}, each branch under its
 * ancestor as {@code ┣━ @LSN: name [id]} ({@code ┗━} for the last child), nested one level per generation
 * with {@code ┃} continuing an ancestor's unfinished list of children.
 */
public final class TimelineTree {
  private TimelineTree() {}

  /** One line per timeline; {@code timelines} as the API lists them (roots and children in creation order). */
  public static String render(JsonArray timelines) {
    List<JsonObject> all = new ArrayList<>();
    timelines.forEach(item -> all.add((JsonObject) item));
    Map<String, List<JsonObject>> children = new HashMap<>();
    List<JsonObject> roots = new ArrayList<>();
    Map<String, JsonObject> byId = new HashMap<>();
    all.forEach(t -> byId.put(t.getString("id"), t));
    for (JsonObject timeline : all) {
      String ancestor = timeline.getString("ancestor_timeline_id");
      if (ancestor == null || !byId.containsKey(ancestor)) {
        roots.add(timeline);
      } else {
        children.computeIfAbsent(ancestor, id -> new ArrayList<>()).add(timeline);
      }
    }
    // Siblings in the order they branch off their ancestor's WAL; a stable sort keeps creation order at one LSN.
    children.values().forEach(list -> list.sort(Comparator.comparing(
        (JsonObject t) -> Lsn.parse(t.getString("ancestor_lsn")), Long::compareUnsigned)));
    StringBuilder out = new StringBuilder();
    for (JsonObject root : roots) {
      print(out, root, children, new ArrayList<>());
    }
    return out.toString();
  }

  /** {@code lastAtLevel}: for the timeline and each of its ancestors below the root, whether it is the last child. */
  private static void print(StringBuilder out, JsonObject timeline, Map<String, List<JsonObject>> children,
                            List<Boolean> lastAtLevel) {
    out.append("(L) ");
    if (!lastAtLevel.isEmpty()) {
      for (boolean ancestorWasLast : lastAtLevel.subList(0, lastAtLevel.size() - 1)) {
        out.append(ancestorWasLast ? "   " : "┃  ");
      }
      out.append(lastAtLevel.get(lastAtLevel.size() - 1) ? "┗━" : "┣━")
          .append(" @").append(timeline.getString("ancestor_lsn")).append(": ");
    }
    out.append(timeline.getString("name")).append(" [").append(timeline.getString("id")).append("]\n");
    List<JsonObject> mine = children.getOrDefault(timeline.getString("id"), List.of());
    for (int i = 0; i < mine.size(); i++) {
      List<Boolean> next = new ArrayList<>(lastAtLevel);
      next.add(i == mine.size() - 1);
      print(out, mine.get(i), children, next);
    }
  }
}
