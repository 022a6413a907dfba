package dev.argondb.controlplane.db;

import dev.argondb.bus.TermStart;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/** Terms and term histories of timelines: the control plane's durable record of who may write WAL. */
public final class TermStore {
  /** What the control plane knows of a timeline's WAL. {@code startLsn} is 0 before its first start. */
  public record TimelineTerms(long term, List<TermStart> history, long startLsn) {}

  private final Pool pool;

  public TermStore(Pool pool) {
    this.pool = pool;
  }

  public Future<TimelineTerms> get(String timelineId) {
    return pool.preparedQuery("SELECT term, term_history, (start_lsn - '0/0')::bigint AS start_lsn"
            + " FROM timelines WHERE id = $1")
        .execute(Tuple.of(timelineId))
        .map(rows -> terms(rows.iterator().next()));
  }

  /** A new term above both the stored one and {@code atLeast}: every compute start calls this once. */
  public Future<Long> nextTerm(String timelineId, long atLeast) {
    return pool.preparedQuery("UPDATE timelines SET term = GREATEST(term, $2) + 1 WHERE id = $1 RETURNING term")
        .execute(Tuple.of(timelineId, atLeast))
        .map(rows -> rows.iterator().next().getLong("term"));
  }

  public Future<Void> recordHistory(String timelineId, List<TermStart> history, long startLsn) {
    JsonArray json = new JsonArray();
    history.forEach(entry -> json.add(new JsonObject().put("term", entry.term()).put("lsn", entry.lsn())));
    return pool.preparedQuery("UPDATE timelines SET term_history = $2,"
            + " start_lsn = COALESCE(start_lsn, ('0/0'::pg_lsn + $3::numeric)) WHERE id = $1")
        .execute(Tuple.of(timelineId, json, startLsn))
        .mapEmpty();
  }

  private static TimelineTerms terms(Row row) {
    List<TermStart> history = new ArrayList<>();
    Object raw = row.getValue("term_history");
    JsonArray json = raw instanceof JsonArray array ? array : new JsonArray(String.valueOf(raw));
    for (int i = 0; i < json.size(); i++) {
      JsonObject entry = json.getJsonObject(i);
      history.add(new TermStart(entry.getLong("term"), entry.getLong("lsn")));
    }
    Long start = row.getLong("start_lsn");
    return new TimelineTerms(row.getLong("term"), history, start == null ? 0 : start);
  }
}
