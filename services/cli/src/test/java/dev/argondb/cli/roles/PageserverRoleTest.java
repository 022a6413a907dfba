package dev.argondb.cli.roles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.argondb.pageserver.PageserverConfig;
import dev.argondb.pageserver.remote.RemoteStorageConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pageserver's remote storage setting in the service config file and the environment. */
class PageserverRoleTest {
  @TempDir
  Path dir;

  private PageserverConfig read(String json, Map<String, String> env) throws Exception {
    Path file = dir.resolve("argon.json");
    Files.writeString(file, json);
    return ServiceConfigFile.read(file, env).configOf(ServiceRoles.PAGESERVER);
  }

  @Test
  void remoteStorageIsNoneByDefaultAndMayBeADirectoryOrS3() throws Exception {
    PageserverRole role = new PageserverRole();
    assertEquals(role.defaults(), role.fromJson(role.toJson(role.defaults())));
    assertEquals(new RemoteStorageConfig.None(), read("{}", Map.of()).remoteStorage());
    assertEquals(new RemoteStorageConfig.Directory(Path.of("/srv/argon/remote")), read(
        "{\"pageserver\": {\"remote_storage\": {\"kind\": \"directory\", \"path\": \"/srv/argon/remote\"}}}",
        Map.of()).remoteStorage());

    PageserverConfig s3 = read("""
        {"pageserver": {"remote_storage": {"kind": "s3", "endpoint": "http://127.0.0.1:9000", "bucket": "layers",
         "prefix": "prod", "access_key": "ak", "secret_key": "sk", "path_style": true}}}""", Map.of());
    assertEquals(new RemoteStorageConfig.S3("http://127.0.0.1:9000", "us-east-1", "layers", "prod", "ak", "sk", true),
        s3.remoteStorage());

    assertEquals(new RemoteStorageConfig.Directory(Path.of("/r")), read("{}",
        Map.of("ARGON_PAGESERVER_REMOTE_STORAGE", "{\"kind\": \"directory\", \"path\": \"/r\"}")).remoteStorage());
    assertThrows(IllegalArgumentException.class, () -> read("""
        {"pageserver": {"remote_storage": {"kind": "s3"}}}""", Map.of()));
  }

  @Test
  void layerCacheBytesDefaultsTo20GiBAndMayBeSetOrUnlimited() throws Exception {
    assertEquals(20L << 30, read("{}", Map.of()).layerCacheBytes());
    assertEquals(1L << 30, read("{\"pageserver\": {\"layer_cache_bytes\": 1073741824}}", Map.of()).layerCacheBytes());
    assertEquals(0, read("{\"pageserver\": {\"layer_cache_bytes\": 0}}", Map.of()).layerCacheBytes());
    assertThrows(IllegalArgumentException.class, () -> read("{\"pageserver\": {\"layer_cache_bytes\": -1}}",
        Map.of()));
  }

  @Test
  void gcPeriodAndDeltaChainDefaultToAnHourAndEightAndBadValuesAreRefused() throws Exception {
    PageserverConfig defaults = read("{}", Map.of());
    assertEquals(3_600_000, defaults.gcPeriodMillis());
    assertEquals(8, defaults.maxDeltaChain());
    PageserverConfig set = read("{\"pageserver\": {\"gc_period_millis\": 60000, \"max_delta_chain\": 2}}", Map.of());
    assertEquals(60_000, set.gcPeriodMillis());
    assertEquals(2, set.maxDeltaChain());
    assertThrows(IllegalArgumentException.class, () -> read("{\"pageserver\": {\"gc_period_millis\": 0}}", Map.of()));
    assertThrows(IllegalArgumentException.class, () -> read("{\"pageserver\": {\"max_delta_chain\": -1}}", Map.of()));
  }
}
