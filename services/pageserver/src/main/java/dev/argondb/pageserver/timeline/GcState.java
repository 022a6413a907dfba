package dev.argondb.pageserver.timeline;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What GC last did to a timeline ({@code gc.json}): its cutoff, below which only the retained points (child branch
 * points, snapshots, leases as of that GC) are still readable. A timeline never collected has cutoff 0.
 */
public record GcState(long cutoffLsn, Set<Long> retained) {
  public static final GcState NONE = new GcState(0, Set.of());

  public GcState {
    retained = Set.copyOf(retained);
  }

  /** Whether a compute, branch or snapshot can still start at {@code lsn}. */
  public boolean readable(long lsn) {
    return Long.compareUnsigned(lsn, cutoffLsn) >= 0 || retained.contains(lsn);
  }

  public JsonObject toJson() {
    return new JsonObject().put("cutoff_lsn", cutoffLsn)
        .put("retained", new JsonArray(List.copyOf(new TreeSet<>(retained))));
  }

  public static GcState fromJson(JsonObject json) {
    Set<Long> retained = new TreeSet<>();
    json.getJsonArray("retained", new JsonArray()).forEach(lsn -> retained.add(((Number) lsn).longValue()));
    return new GcState(json.getLong("cutoff_lsn", 0L), retained);
  }
}
