package dev.argondb.controlplane.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.HashMap;
import java.util.Map;

/** Counts of what the control plane manages, for gauges. */
public final class InventoryStore {
  public record Inventory(long tenants, long timelines, Map<String, Long> endpointsByState) {}

  private final Pool pool;

  public InventoryStore(Pool pool) {
    this.pool = pool;
  }

  public Future<Inventory> count() {
    return pool.query("""
            SELECT 'tenants' AS kind, count(*) AS n FROM tenants
            UNION ALL SELECT 'timelines', count(*) FROM timelines
            UNION ALL SELECT 'endpoint:' || state, count(*) FROM endpoints GROUP BY state""")
        .execute()
        .map(rows -> {
          long tenants = 0;
          long timelines = 0;
          Map<String, Long> byState = new HashMap<>();
          for (Row row : rows) {
            String kind = row.getString("kind");
            long n = row.getLong("n");
            if (kind.equals("tenants")) {
              tenants = n;
            } else if (kind.equals("timelines")) {
              timelines = n;
            } else {
              byState.put(kind.substring("endpoint:".length()), n);
            }
          }
          return new Inventory(tenants, timelines, byState);
        });
  }
}
