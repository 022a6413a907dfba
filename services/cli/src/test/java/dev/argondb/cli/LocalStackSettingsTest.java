package dev.argondb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.argondb.pageserver.remote.RemoteStorageConfig;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class LocalStackSettingsTest {
  @Test
  void remoteStorageIsTheHomeDirectoryUnlessConfigAndSurvivesARoundTrip() {
    LocalStackSettings defaults = LocalStackSettings.defaults();
    assertNull(LocalStackSettings.fromJson(defaults.toJson()).remoteStorage());

    RemoteStorageConfig s3 = new RemoteStorageConfig.S3("http://127.0.0.1:9000", "eu-west-1", "argon", "stack",
        "key", "secret", true);
    LocalStackSettings withS3 = defaults.withRemoteStorage(s3);
    assertEquals(withS3, LocalStackSettings.fromJson(withS3.toJson()));
    assertEquals(s3, LocalStackSettings.fromJson(new JsonObject(withS3.toJson().encode())).remoteStorage());
  }

  @Test
  void anUnknownRemoteStorageKindIsRefused() {
    JsonObject json = LocalStackSettings.defaults().toJson()
        .put("remote_storage", new JsonObject().put("kind", "ftp"));
    assertThrows(IllegalArgumentException.class, () -> LocalStackSettings.fromJson(json));
  }
}
