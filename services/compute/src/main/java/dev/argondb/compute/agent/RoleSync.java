package dev.argondb.compute.agent;

import dev.argondb.bus.RoleSpec;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Makes a compute's login roles match the tenant's roles from the control plane: each is created or
 * updated with its SCRAM verifier (Postgres stores a verifier given as the password as is), and a
 * login role the tenant no longer has loses LOGIN (dropping could fail on owned objects).
 */
final class RoleSync {
  /** The tenant's admin role, a superuser as Neon's {@code cloud_admin}; other roles may create databases and roles. */
  static final String ADMIN_ROLE = "cloud_admin";
  private static final Pattern VERIFIER =
      Pattern.compile("SCRAM-SHA-256\\$\\d+:[A-Za-z0-9+/=]+\\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+");

  private RoleSync() {}

  static Future<Void> apply(SqlConnection connection, List<RoleSpec> roles) {
    for (RoleSpec role : roles) {
      if (!VERIFIER.matcher(role.scramVerifier()).matches()) {
        return Future.failedFuture("role " + role.name() + " has no valid SCRAM-SHA-256 verifier");
      }
    }
    return connection.query("SELECT rolname FROM pg_roles WHERE rolcanlogin AND rolname <> '"
            + ComputeDirectory.AGENT_USER + "'").execute()
        .compose(existing -> {
          Set<String> wanted = new HashSet<>();
          StringBuilder sql = new StringBuilder();
          for (RoleSpec role : roles) {
            wanted.add(role.name());
            sql.append(createOrUpdate(role));
          }
          for (Row row : existing) {
            String name = row.getString(0);
            if (!wanted.contains(name)) {
              sql.append("ALTER ROLE ").append(identifier(name)).append(" NOLOGIN;\n");
            }
          }
          return sql.isEmpty() ? Future.succeededFuture() : connection.query(sql.toString()).execute().mapEmpty();
        });
  }

  private static String createOrUpdate(RoleSpec role) {
    String attributes = role.name().equals(ADMIN_ROLE) ? "SUPERUSER" : "CREATEDB CREATEROLE";
    return "DO $argon$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = " + literal(role.name())
        + ") THEN CREATE ROLE " + identifier(role.name()) + "; END IF; END $argon$;\n"
        + "ALTER ROLE " + identifier(role.name()) + " WITH LOGIN " + attributes
        + " PASSWORD " + literal(role.scramVerifier()) + ";\n";
  }

  static String identifier(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  static String literal(String value) {
    return '\'' + value.replace("'", "''") + '\'';
  }
}
