package dev.argondb.cli;

import dev.argondb.pageserver.remote.RemoteStorageConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Settings of the one-JVM local stack, kept in {@code config.json} of the Argon home.
 *
 * @param gatewayPort           Postgres port clients connect to
 * @param gatewayHttpPort       gateway {@code /metrics} and {@code /health}
 * @param controlPlaneHttpPort  REST API ({@code /v1}), {@code /metrics}, {@code /health}
 * @param computeHttpPort       compute agent {@code /metrics}, {@code /health}
 * @param controlDbPort         the control plane's own Postgres
 * @param controlDbPassword     its password (the control plane's database is local to the stack)
 * @param adminPassword         password of {@code cloud_admin} in every tenant the CLI creates
 * @param defaultTenantId       tenant the CLI uses when none is named (null before {@code up})
 * @param pgBinDir              another Postgres install's {@code bin/}, or null for the bundled PostgreSQL 17
 * @param safekeeperHttpPorts   one gRPC/HTTP port per safekeeper (sk1, sk2, ...); empty: no safekeepers
 * @param walQuorum             safekeepers that must fsync WAL before a COMMIT returns
 * @param stackAdminPort        the stack's own admin API (safekeeper stop/start)
 * @param gatewayRequireTls     refuse plain connections from other hosts than this one (the gateway always offers
 *                              TLS with the certificate {@code argon init} generated)
 * @param gatewayInstances      gateway event loops (verticles) sharing the port when TLS is off; 0 = one per core
 * @param pageserverPort        the pageserver's gRPC (basebackups), {@code /metrics} and {@code /health}
 * @param remoteStorage         where the pageserver uploads layers and WAL ({@code remote_storage} in config.json,
 *                              the pageserver's JSON form); null = the directory {@code remote/} of the Argon home
 * @param imageRollForwardBytes WAL a timeline accumulates past its newest image before the pageserver rolls the
 *                              image forward ({@code image_roll_forward_bytes}; a compute's cold start replays at
 *                              most about this much WAL, and its lazy files come from the image)
 */
public record LocalStackSettings(int gatewayPort, int gatewayHttpPort, int controlPlaneHttpPort, int computeHttpPort,
                                 int controlDbPort, String controlDbPassword, String adminPassword,
                                 String defaultTenantId, String pgBinDir, List<Integer> safekeeperHttpPorts,
                                 int walQuorum, int stackAdminPort, boolean gatewayRequireTls,
                                 int gatewayInstances, int pageserverPort, RemoteStorageConfig remoteStorage,
                                 long imageRollForwardBytes) {

  public static final String ADMIN_ROLE = "cloud_admin";
  public static final String DEFAULT_ENDPOINT = "main";

  public static LocalStackSettings defaults() {
    return new LocalStackSettings(55432, 9702, 9700, 9701, 9709, randomSecret(), randomSecret(), null,
        System.getenv("ARGON_PG_BIN"), List.of(9711, 9712, 9713), 2, 9708, false, 0, 9714, null,
        dev.argondb.pageserver.PageserverConfig.DEFAULT_IMAGE_ROLL_FORWARD_BYTES);
  }

  public LocalStackSettings withPorts(int gatewayPort, int gatewayHttpPort, int controlPlaneHttpPort,
                                      int computeHttpPort, int controlDbPort) {
    return new LocalStackSettings(gatewayPort, gatewayHttpPort, controlPlaneHttpPort, computeHttpPort, controlDbPort,
        controlDbPassword, adminPassword, defaultTenantId, pgBinDir, safekeeperHttpPorts, walQuorum, stackAdminPort,
        gatewayRequireTls, gatewayInstances, pageserverPort, remoteStorage, imageRollForwardBytes);
  }

  public LocalStackSettings withSafekeepers(List<Integer> httpPorts, int quorum, int adminPort) {
    return new LocalStackSettings(gatewayPort, gatewayHttpPort, controlPlaneHttpPort, computeHttpPort, controlDbPort,
        controlDbPassword, adminPassword, defaultTenantId, pgBinDir, httpPorts, quorum, adminPort, gatewayRequireTls,
        gatewayInstances, pageserverPort, remoteStorage, imageRollForwardBytes);
  }

  public LocalStackSettings withDefaultTenant(String tenantId) {
    return new LocalStackSettings(gatewayPort, gatewayHttpPort, controlPlaneHttpPort, computeHttpPort, controlDbPort,
        controlDbPassword, adminPassword, tenantId, pgBinDir, safekeeperHttpPorts, walQuorum, stackAdminPort,
        gatewayRequireTls, gatewayInstances, pageserverPort, remoteStorage, imageRollForwardBytes);
  }

  public LocalStackSettings withPageserverPort(int port) {
    return new LocalStackSettings(gatewayPort, gatewayHttpPort, controlPlaneHttpPort, computeHttpPort, controlDbPort,
        controlDbPassword, adminPassword, defaultTenantId, pgBinDir, safekeeperHttpPorts, walQuorum, stackAdminPort,
        gatewayRequireTls, gatewayInstances, port, remoteStorage, imageRollForwardBytes);
  }

  /** These settings with the pageserver uploading to {@code remote} (null: the home's {@code remote/}). */
  public LocalStackSettings withRemoteStorage(RemoteStorageConfig remote) {
    return new LocalStackSettings(gatewayPort, gatewayHttpPort, controlPlaneHttpPort, computeHttpPort, controlDbPort,
        controlDbPassword, adminPassword, defaultTenantId, pgBinDir, safekeeperHttpPorts, walQuorum, stackAdminPort,
        gatewayRequireTls, gatewayInstances, pageserverPort, remote, imageRollForwardBytes);
  }

  /** These settings with the pageserver rolling images forward every {@code bytes} of WAL. */
  public LocalStackSettings withImageRollForwardBytes(long bytes) {
    return new LocalStackSettings(gatewayPort, gatewayHttpPort, controlPlaneHttpPort, computeHttpPort, controlDbPort,
        controlDbPassword, adminPassword, defaultTenantId, pgBinDir, safekeeperHttpPorts, walQuorum, stackAdminPort,
        gatewayRequireTls, gatewayInstances, pageserverPort, remoteStorage, bytes);
  }

  /** Safekeeper ids: sk1, sk2, ... one per port. */
  public List<String> safekeeperIds() {
    List<String> ids = new ArrayList<>();
    for (int i = 1; i <= safekeeperHttpPorts.size(); i++) {
      ids.add("sk" + i);
    }
    return ids;
  }

  public String controlPlaneUrl() {
    return "http://127.0.0.1:" + controlPlaneHttpPort;
  }

  public String stackAdminUrl() {
    return "http://127.0.0.1:" + stackAdminPort;
  }

  /** The URL a client uses to reach {@code endpoint} through the gateway. */
  public String connectionUrl(String endpoint) {
    return "postgresql://" + ADMIN_ROLE + ":" + adminPassword + "@127.0.0.1:" + gatewayPort
        + "/postgres?options=endpoint%3D" + endpoint;
  }

  /**
   * A psql conninfo over TLS, routed by SNI and checked against the local certificate (verify-full):
   * {@code main.argon.local} is not in DNS, so {@code hostaddr} gives the address.
   */
  public String tlsConnectionString(String endpoint, java.nio.file.Path certificate) {
    return "host=" + endpoint + "." + dev.argondb.gateway.GatewayConfig.DEFAULT_SNI_DOMAIN + " hostaddr=127.0.0.1 port="
        + gatewayPort + " dbname=postgres user=" + ADMIN_ROLE + " password=" + adminPassword
        + " sslmode=verify-full sslrootcert=" + certificate;
  }

  static String randomSecret() {
    byte[] bytes = new byte[12];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("gateway_port", gatewayPort).put("gateway_http_port", gatewayHttpPort)
        .put("control_plane_http_port", controlPlaneHttpPort).put("compute_http_port", computeHttpPort)
        .put("control_db_port", controlDbPort).put("control_db_password", controlDbPassword)
        .put("admin_password", adminPassword).put("default_tenant_id", defaultTenantId)
        .put("pg_bin_dir", pgBinDir).put("safekeeper_http_ports", new JsonArray(safekeeperHttpPorts))
        .put("wal_quorum", walQuorum).put("stack_admin_port", stackAdminPort)
        .put("gateway_require_tls", gatewayRequireTls).put("gateway_instances", gatewayInstances)
        .put("pageserver_port", pageserverPort)
        .put("remote_storage", remoteStorage == null ? null : remoteStorage.toJson())
        .put("image_roll_forward_bytes", imageRollForwardBytes);
  }

  public static LocalStackSettings fromJson(JsonObject json) {
    LocalStackSettings d = defaults();
    JsonArray ports = json.getJsonArray("safekeeper_http_ports", new JsonArray(d.safekeeperHttpPorts));
    List<Integer> safekeeperPorts = new ArrayList<>();
    for (int i = 0; i < ports.size(); i++) {
      safekeeperPorts.add(ports.getInteger(i));
    }
    return new LocalStackSettings(
        json.getInteger("gateway_port", d.gatewayPort), json.getInteger("gateway_http_port", d.gatewayHttpPort),
        json.getInteger("control_plane_http_port", d.controlPlaneHttpPort),
        json.getInteger("compute_http_port", d.computeHttpPort), json.getInteger("control_db_port", d.controlDbPort),
        json.getString("control_db_password"), json.getString("admin_password"),
        json.getString("default_tenant_id"), json.getString("pg_bin_dir"), List.copyOf(safekeeperPorts),
        json.getInteger("wal_quorum", d.walQuorum), json.getInteger("stack_admin_port", d.stackAdminPort),
        json.getBoolean("gateway_require_tls", d.gatewayRequireTls), json.getInteger("gateway_instances", d.gatewayInstances),
        json.getInteger("pageserver_port", d.pageserverPort),
        json.getJsonObject("remote_storage") == null ? null
            : RemoteStorageConfig.fromJson(json.getJsonObject("remote_storage")),
        json.getLong("image_roll_forward_bytes", d.imageRollForwardBytes));
  }
}
