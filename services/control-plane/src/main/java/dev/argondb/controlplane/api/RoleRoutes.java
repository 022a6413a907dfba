package dev.argondb.controlplane.api;

import dev.argondb.controlplane.ControlPlaneError;
import dev.argondb.scram.ScramVerifier;
import dev.argondb.controlplane.db.RoleStore;
import dev.argondb.controlplane.db.TenantStore;
import dev.argondb.controlplane.model.Role;
import dev.argondb.controlplane.roles.ComputeRoleSync;
import dev.argondb.controlplane.roles.GeneratedPasswords;
import dev.argondb.controlplane.roles.RoleChangeEvents;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code /v1/tenants/:tenant_id/roles}. A password is turned into a SCRAM-SHA-256 verifier at once and
 * then dropped: it is never stored, logged or echoed.
 */
final class RoleRoutes {
  private final Vertx vertx;
  private final TenantStore tenants;
  private final RoleStore roles;
  private final ComputeRoleSync computeSync;

  RoleRoutes(Vertx vertx, TenantStore tenants, RoleStore roles, ComputeRoleSync computeSync) {
    this.vertx = vertx;
    this.tenants = tenants;
    this.roles = roles;
    this.computeSync = computeSync;
  }

  void mount(Router router) {
    router.get("/v1/tenants/:tenant_id/roles").handler(this::list);
    router.post("/v1/tenants/:tenant_id/roles").handler(this::create);
    router.delete("/v1/tenants/:tenant_id/roles/:name").handler(this::delete);
    router.post("/v1/tenants/:tenant_id/roles/:name/reset_password").handler(this::resetPassword);
  }

  private void list(RoutingContext rc) {
    String tenantId = InputRules.id("tenant_id", rc.pathParam("tenant_id"));
    Responses.reply(rc, 200, tenants.get(tenantId).compose(tenant -> roles.listByTenant(tenantId)),
        list -> JsonViews.list("roles", list, JsonViews::role));
  }

  private void create(RoutingContext rc) {
    String tenantId = InputRules.id("tenant_id", rc.pathParam("tenant_id"));
    JsonBody body = JsonBody.of(rc);
    String name = InputRules.roleName(body.requiredString("name"));
    Boolean generate = body.optionalBoolean("generate_password");
    String generated = Boolean.TRUE.equals(generate) ? GeneratedPasswords.next() : null;
    String password = generated != null ? generated : body.optionalString("password");
    String verifier = body.optionalString("scram_verifier");
    if ((password == null) == (verifier == null) || (generated != null && body.optionalString("password") != null)) {
      throw ControlPlaneError.badRequest(
          "give exactly one of \"password\", \"scram_verifier\" and \"generate_password\": true");
    }
    if (password != null && password.isEmpty()) {
      throw ControlPlaneError.badRequest("\"password\" must not be empty");
    }
    if (verifier != null) {
      try {
        ScramVerifier.parse(verifier);
      } catch (IllegalArgumentException e) {
        throw ControlPlaneError.badRequest(e.getMessage());
      }
    }
    Future<String> stored = tenants.get(tenantId).compose(tenant -> verifier != null
        ? Future.succeededFuture(verifier)
        // PBKDF2 with 4096 rounds takes milliseconds of CPU: not on the event loop.
        : vertx.executeBlocking(() -> ScramVerifier.generate(password), false));
    Future<Role> created = stored.compose(scram -> roles.create(tenantId, name, scram))
        .onSuccess(role -> RoleChangeEvents.publish(vertx.eventBus(), tenantId, name))
        .compose(role -> computeSync.syncTenant(tenantId).map(role));
    // A generated password is shown this once; it exists nowhere else.
    Responses.reply(rc, 201, created,
        role -> generated == null ? JsonViews.role(role) : JsonViews.role(role).put("password", generated));
  }

  private void delete(RoutingContext rc) {
    String tenantId = InputRules.id("tenant_id", rc.pathParam("tenant_id"));
    String name = InputRules.roleName(rc.pathParam("name"));
    Responses.noContent(rc, tenants.get(tenantId).compose(tenant -> roles.delete(tenantId, name))
        .onSuccess(deleted -> RoleChangeEvents.publish(vertx.eventBus(), tenantId, name))
        .compose(deleted -> computeSync.syncTenant(tenantId)));
  }

  /** Replaces the role's verifier with one of a new random password, returned in this response only. */
  private void resetPassword(RoutingContext rc) {
    String tenantId = InputRules.id("tenant_id", rc.pathParam("tenant_id"));
    String name = InputRules.roleName(rc.pathParam("name"));
    String password = GeneratedPasswords.next();
    Future<Role> reset = tenants.get(tenantId)
        .compose(tenant -> vertx.executeBlocking(() -> ScramVerifier.generate(password), false))
        .compose(scram -> roles.replaceVerifier(tenantId, name, scram))
        .onSuccess(role -> RoleChangeEvents.publish(vertx.eventBus(), tenantId, name))
        .compose(role -> computeSync.syncTenant(tenantId).map(role));
    Responses.reply(rc, 200, reset, role -> JsonViews.role(role).put("password", password));
  }
}
