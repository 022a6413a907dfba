package dev.argondb.cli.roles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.argondb.cli.stack.ClusterSettings;
import dev.argondb.compute.ComputeConfig;
import dev.argondb.controlplane.ControlPlaneConfig;
import dev.argondb.gateway.GatewayConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceConfigFileTest {
  @TempDir
  Path dir;

  private ServiceConfigFile read(String json, Map<String, String> env) throws Exception {
    Path file = dir.resolve("argon.json");
    Files.writeString(file, json);
    return ServiceConfigFile.read(file, env);
  }

  @Test
  void theFileOverlaysTheDefaultsAndTheEnvironmentOverlaysTheFile() throws Exception {
    ServiceConfigFile config = read("""
        {"cluster": {"name": "prod", "host": "127.0.0.2", "members": ["127.0.0.2:5701", "127.0.0.3:5701"]},
         "control-plane": {"http_port": 9800, "database_url": "postgresql://a:b@db:5432/x"},
         "compute": {"compute_host": "127.0.0.3", "postgres_settings": {"fsync": "off"}},
         "gateway": {"port": 6543}}""",
        Map.of("ARGON_CONTROL_PLANE_DATABASE_URL", "postgresql://c:d@db2:5432/y",
            "ARGON_CLUSTER_MEMBERS", "cp:5701, compute:5701", "ARGON_GATEWAY_HTTP_PORT", "9999",
            "ARGON_COMPUTE_STATS_INTERVAL_MILLIS", "1000"));

    ClusterSettings cluster = config.cluster();
    assertEquals(new ClusterSettings("prod", "127.0.0.2", 5701, List.of("cp:5701", "compute:5701")), cluster);

    ControlPlaneConfig controlPlane = config.configOf(ServiceRoles.CONTROL_PLANE);
    assertEquals(9800, controlPlane.httpPort());
    assertEquals("postgresql://c:d@db2:5432/y", controlPlane.databaseUrl());
    assertEquals(ControlPlaneConfig.defaults().defaultSuspendTimeoutSeconds(), controlPlane.defaultSuspendTimeoutSeconds());

    ComputeConfig compute = config.configOf(ServiceRoles.COMPUTE);
    assertEquals("127.0.0.3", compute.computeHost());
    assertEquals(Map.of("fsync", "off"), compute.postgresSettings());
    assertEquals(1000, compute.statsIntervalMillis());
    assertNull(compute.pgBinDir());

    GatewayConfig gateway = config.configOf(ServiceRoles.GATEWAY);
    assertEquals(6543, gateway.port());
    assertEquals(9999, gateway.httpPort());
  }

  @Test
  void everyRoleRoundTripsItsDefaultsThroughJson() {
    for (ServiceRole<?, ?> role : ServiceRoles.ALL) {
      assertRoundTrips(role);
    }
  }

  private static <C> void assertRoundTrips(ServiceRole<C, ?> role) {
    C defaults = role.defaults();
    assertEquals(defaults, role.fromJson(role.toJson(defaults)), role.name());
  }

  @Test
  void aMisspelledSettingOrSectionIsNamed() throws Exception {
    ServiceConfigFile typo = read("{\"gateway\": {\"prot\": 1}}", Map.of());
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> typo.configOf(ServiceRoles.GATEWAY));
    assertTrue(error.getMessage().contains("prot") && error.getMessage().contains("port"), error.getMessage());

    error = assertThrows(IllegalArgumentException.class, () -> read("{\"gatewya\": {}}", Map.of()));
    assertTrue(error.getMessage().contains("gatewya"), error.getMessage());
  }

  @Test
  void anEnvironmentValueOfTheWrongTypeIsNamed() throws Exception {
    ServiceConfigFile config = read("{}", Map.of("ARGON_GATEWAY_PORT", "soon"));
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> config.configOf(ServiceRoles.GATEWAY));
    assertTrue(error.getMessage().contains("ARGON_GATEWAY_PORT"), error.getMessage());
  }
}
