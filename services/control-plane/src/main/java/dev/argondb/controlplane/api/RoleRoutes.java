package dev.argondb.controlplane.api;

import dev.argondb.controlplane.ControlPlaneError;
import dev.argondb.controlplane.auth.ScramVerifier;
import dev.argondb.controlplane.db.RoleStore;
import dev.argondb.controlplane.db.TenantStore;
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

  RoleRoutes(Vertx vertx, TenantStore tenants, RoleStore roles) {
    this.vertx = vertx;
    this.tenants = tenants;
    this.roles = roles;
  }

  void mount(Router router) {
    router.get("/v1/tenants/:tenant_id/roles").handler(this::list);
    router.post("/v1/tenants/:tenant_id/roles").handler(this::create);
    router.delete("/v1/tenants/:tenant_id/roles/:name").handler(this::delete);
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
    String password = body.optionalString("password");
    String verifier = body.optionalString("scram_verifier");
    if ((password == null) == (verifier == null)) {
      throw ControlPlaneError.badRequest("give exactly one of \"password\" and \"scram_verifier\"");
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
    Responses.reply(rc, 201, stored.compose(scram -> roles.create(tenantId, name, scram)), JsonViews::role);
  }

  private void delete(RoutingContext rc) {
    String tenantId = InputRules.id("tenant_id", rc.pathParam("tenant_id"));
    String name = InputRules.roleName(rc.pathParam("name"));
    Responses.noContent(rc, tenants.get(tenantId).compose(tenant -> roles.delete(tenantId, name)));
  }
}
