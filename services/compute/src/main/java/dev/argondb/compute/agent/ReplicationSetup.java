package dev.argondb.compute.agent;

import dev.argondb.bus.WalSource;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;

/**
 * What the safekeepers need from a running compute: the replication role they log in as (SCRAM
 * verifier only) and one physical replication slot per safekeeper, so the compute keeps the WAL a
 * safekeeper has not received yet, e.g. while it is down.
 */
final class ReplicationSetup {
  private ReplicationSetup() {}

  static Future<Void> apply(SqlConnection connection, WalSource wal) {
    StringBuilder sql = new StringBuilder();
    String role = RoleSync.identifier(wal.replicationUser());
    sql.append("DO $argon$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ")
        .append(RoleSync.literal(wal.replicationUser())).append(") THEN CREATE ROLE ").append(role)
        .append("; END IF; END $argon$;\n");
    sql.append("ALTER ROLE ").append(role).append(" WITH LOGIN REPLICATION PASSWORD ")
        .append(RoleSync.literal(wal.replicationVerifier())).append(";\n");
    for (String safekeeper : wal.safekeeperIds()) {
      sql.append("SELECT pg_create_physical_replication_slot(").append(RoleSync.literal(WalSource.slotName(safekeeper)))
          .append(", true) WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = ")
          .append(RoleSync.literal(WalSource.slotName(safekeeper))).append(");\n");
    }
    return connection.query(sql.toString()).execute().mapEmpty();
  }

  /** {@code ANY 2 ("sk1", "sk2", "sk3")}: COMMIT waits for any quorum of them to flush. */
  static String synchronousStandbyNames(WalSource wal) {
    StringBuilder names = new StringBuilder("ANY ").append(wal.quorum()).append(" (");
    for (int i = 0; i < wal.safekeeperIds().size(); i++) {
      names.append(i == 0 ? "" : ", ").append('"').append(wal.safekeeperIds().get(i)).append('"');
    }
    return names.append(')').toString();
  }
}
