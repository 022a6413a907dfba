package dev.argondb.cli.commands;

import dev.argondb.cli.ApiClient;
import dev.argondb.cli.ArgonHome;
import dev.argondb.cli.CliException;
import dev.argondb.cli.LocalStackSettings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** What most commands need: the home, its settings, and an API client; plus the shared tenant logic. */
final class Context {
  final ArgonHome home = ArgonHome.fromEnvironment();
  final LocalStackSettings settings = home.readSettings();
  final ApiClient api = new ApiClient(settings.controlPlaneUrl());

  String tenant(String explicitTenantId) {
    if (explicitTenantId != null) {
      return explicitTenantId;
    }
    if (settings.defaultTenantId() == null) {
      throw new CliException("no default tenant; pass --tenant-id or run ./argon tenant create --set-default");
    }
    return settings.defaultTenantId();
  }

  /** The tenant's timelines as the REST API lists them (id, name, ancestor, ...). */
  JsonArray timelines(String tenant) {
    return api.get("/v1/tenants/" + tenant + "/timelines").getJsonArray("timelines");
  }

  /** Creates a tenant (with its {@code main} branch) and its {@code cloud_admin} role with the local admin password. */
  JsonObject createTenant(String tenantId, boolean setDefault) {
    return createTenant(tenantId, setDefault, null);
  }

  /** {@code pitrInterval} null: the control plane's default (7d). */
  JsonObject createTenant(String tenantId, boolean setDefault, String pitrInterval) {
    JsonObject body = new JsonObject();
    if (pitrInterval != null) {
      body.put("pitr_interval", pitrInterval);
    }
    if (tenantId != null) {
      body.put("tenant_id", tenantId);
    }
    JsonObject tenant = api.post("/v1/tenants", body);
    String id = tenant.getString("id");
    api.post("/v1/tenants/" + id + "/roles", new JsonObject()
        .put("name", LocalStackSettings.ADMIN_ROLE).put("password", settings.adminPassword()));
    if (setDefault) {
      home.writeSettings(home.readSettings().withDefaultTenant(id));
    }
    return tenant;
  }
}
