package dev.argondb.controlplane.db;

import dev.argondb.bus.RoleSpec;
import dev.argondb.bus.RoleVerifier;
import dev.argondb.controlplane.ControlPlaneError;
import dev.argondb.controlplane.model.Role;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/** Roles of tenants with their SCRAM-SHA-256 verifiers (never plaintext passwords). */
public final class RoleStore {
  private final Pool pool;

  public RoleStore(Pool pool) {
    this.pool = pool;
  }

  /** Names and creation times only: the verifiers leave this class only towards a compute. */
  public Future<List<Role>> listByTenant(String tenantId) {
    return pool.preparedQuery("SELECT tenant_id, name, created_at FROM roles WHERE tenant_id = $1 ORDER BY name")
        .execute(Tuple.of(tenantId))
        .map(rows -> {
          List<Role> roles = new ArrayList<>();
          rows.forEach(row -> roles.add(role(row)));
          return roles;
        });
  }

  /** What a compute of the tenant must create: every role with its verifier. */
  public Future<List<RoleSpec>> specsOfTenant(String tenantId) {
    return pool.preparedQuery("SELECT name, scram_verifier FROM roles WHERE tenant_id = $1 ORDER BY name")
        .execute(Tuple.of(tenantId))
        .map(rows -> {
          List<RoleSpec> specs = new ArrayList<>();
          rows.forEach(row -> specs.add(new RoleSpec(row.getString("name"), row.getString("scram_verifier"))));
          return specs;
        });
  }

  public Future<Role> create(String tenantId, String name, String scramVerifier) {
    return pool.preparedQuery("""
            INSERT INTO roles (tenant_id, name, scram_verifier) VALUES ($1, $2, $3)
            ON CONFLICT (tenant_id, name) DO NOTHING
            RETURNING tenant_id, name, created_at""")
        .execute(Tuple.of(tenantId, name, scramVerifier))
        .compose(rows -> rows.size() == 0
            ? Future.failedFuture(ControlPlaneError.conflict(
                "role \"" + name + "\" already exists in tenant " + tenantId))
            : Future.succeededFuture(role(rows.iterator().next())));
  }

  /**
   * The tenant owning endpoint {@code endpointName} and that tenant's verifier for {@code roleName} (null
   * when it has no such role), in one query since the gateway asks on every connection; null when the
   * endpoint does not exist.
   */
  public Future<RoleVerifier> verifierForEndpoint(String endpointName, String roleName) {
    return pool.preparedQuery("""
            SELECT e.tenant_id, r.scram_verifier FROM endpoints e
            LEFT JOIN roles r ON r.tenant_id = e.tenant_id AND r.name = $2
            WHERE e.name = $1""")
        .execute(Tuple.of(endpointName, roleName))
        .map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          Row row = rows.iterator().next();
          return new RoleVerifier(endpointName, row.getString("tenant_id"), roleName, row.getString("scram_verifier"));
        });
  }

  /** Replaces a role's verifier (a password reset); not-found when the tenant has no such role. */
  public Future<Role> replaceVerifier(String tenantId, String name, String scramVerifier) {
    return pool.preparedQuery("""
            UPDATE roles SET scram_verifier = $3 WHERE tenant_id = $1 AND name = $2
            RETURNING tenant_id, name, created_at""")
        .execute(Tuple.of(tenantId, name, scramVerifier))
        .compose(rows -> rows.size() == 0
            ? Future.failedFuture(ControlPlaneError.notFound("role \"" + name + "\" not found in tenant " + tenantId))
            : Future.succeededFuture(role(rows.iterator().next())));
  }

  public Future<Void> delete(String tenantId, String name) {
    return pool.preparedQuery("DELETE FROM roles WHERE tenant_id = $1 AND name = $2")
        .execute(Tuple.of(tenantId, name))
        .compose(rows -> rows.rowCount() == 0
            ? Future.failedFuture(ControlPlaneError.notFound("role \"" + name + "\" not found in tenant " + tenantId))
            : Future.<Void>succeededFuture());
  }

  private static Role role(Row row) {
    return new Role(row.getString("tenant_id"), row.getString("name"), Database.instant(row, "created_at"));
  }
}
