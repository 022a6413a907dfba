package dev.argondb.pageserver.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.argondb.pgruntime.PgFiles;
import dev.argondb.pgruntime.testing.FaultProxy;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Both remote storages against real backends: a directory, and S3Proxy (a real S3-API server) through the AWS
 * SDK async client; retries carry an upload across the S3 server being down.
 */
class RemoteStorageTest {
  private Vertx vertx;
  private Path root;
  private PrometheusMeterRegistry registry;
  private RemoteMetrics metrics;

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    root = Files.createTempDirectory("argon-remote-");
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    metrics = new RemoteMetrics(registry);
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await();
    PgFiles.deleteRecursively(root);
  }

  @Test
  void directoryStorageStoresListsAndReadsObjects() throws Exception {
    RemoteStorage storage = RemoteStorages.open(vertx, new RemoteStorageConfig.Directory(root.resolve("remote")),
        metrics).await();
    exercise(storage);
    assertThrows(IllegalArgumentException.class, () -> storage.putBytes("../escape", new byte[1]).await());
    assertFalse(Files.exists(root.resolve("escape")));
  }

  @Test
  void s3StorageStoresListsAndReadsObjects() throws Exception {
    try (TestS3Server s3 = new TestS3Server(root.resolve("s3"))) {
      RemoteStorage storage = RemoteStorages.open(vertx, s3.config("argon", "cluster-a"), metrics).await();
      exercise(storage);
      // Keys live under the prefix in the bucket.
      assertTrue(Files.exists(s3.dir().resolve("argon").resolve("cluster-a").resolve("tenants")));
      storage.close();
    }
  }

  @Test
  void anUploadCutByTheS3ServerStoppingCompletesOnceItIsBack() throws Exception {
    try (TestS3Server s3 = new TestS3Server(root.resolve("s3"));
         FaultProxy proxy = FaultProxy.start(vertx, "127.0.0.1", s3.port())) {
      RemoteStorage storage = RemoteStorages.open(vertx, s3.configAt("http://127.0.0.1:" + proxy.port(), "argon", ""),
          metrics).await();
      byte[] layer = new byte[64 << 20];
      new Random(7).nextBytes(layer);
      Path file = root.resolve("layer");
      Files.write(file, layer);
      Future<Void> inFlight = proxy.holdClientsAfter(8 << 20);
      Future<Void> upload = storage.put("tenants/t/timelines/l/images/0000000001000000.tar", file);
      inFlight.await(); // 8 MB of the body reached the server, the rest is held: the upload cannot be complete
      s3.stop();
      long deadline = System.currentTimeMillis() + 30_000;
      while (retries() < 2) {
        assertTrue(System.currentTimeMillis() < deadline, "the upload is retried while the server is down");
        Thread.sleep(20);
      }
      assertFalse(upload.isComplete());
      proxy.release();
      s3.start();
      upload.await();
      Path back = root.resolve("back");
      storage.get("tenants/t/timelines/l/images/0000000001000000.tar", back).await();
      assertEquals(LayerFiles.sha256(file), LayerFiles.sha256(back), "nothing lost");
      assertEquals(0.0, registry.get("argon_pageserver_remote_errors_total").tag("op", "put").counter().count());
      storage.close();
    }
  }

  @Test
  void aConfigIsReadFromJsonAndBadOnesAreRefused() {
    RemoteStorageConfig s3 = RemoteStorageConfig.fromJson(new io.vertx.core.json.JsonObject()
        .put("kind", "s3").put("endpoint", "http://127.0.0.1:9000").put("bucket", "b").put("prefix", "/p/")
        .put("access_key", "a").put("secret_key", "s"));
    assertEquals(new RemoteStorageConfig.S3("http://127.0.0.1:9000", "us-east-1", "b", "p", "a", "s", true), s3);
    assertEquals(s3, RemoteStorageConfig.fromJson(s3.toJson()));
    assertFalse(s3.toString().contains("\"s\""), "no secret in logs");
    assertInstanceOf(RemoteStorageConfig.None.class, RemoteStorageConfig.fromJson(null));
    assertEquals(new RemoteStorageConfig.Directory(Path.of("/x")), RemoteStorageConfig.fromJson(
        new RemoteStorageConfig.Directory(Path.of("/x")).toJson()));
    assertThrows(IllegalArgumentException.class, () -> RemoteStorageConfig.fromJson(
        new io.vertx.core.json.JsonObject().put("kind", "ftp")));
    assertThrows(IllegalArgumentException.class, () -> RemoteStorageConfig.fromJson(
        new io.vertx.core.json.JsonObject().put("kind", "s3")));
  }

  private double retries() {
    return registry.get("argon_pageserver_remote_retries_total").tag("op", "put").counter().count();
  }

  private void exercise(RemoteStorage storage) throws Exception {
    byte[] content = "image bytes".getBytes(StandardCharsets.UTF_8);
    Path file = root.resolve("layer");
    Files.write(file, content);
    storage.put("tenants/a/timelines/b/images/0000000001000000.tar", file).await();
    storage.putBytes("tenants/a/timelines/b/index.json", "{}".getBytes(StandardCharsets.UTF_8)).await();
    storage.putBytes("tenants/a/timelines/b/index.json", "{\"v\":2}".getBytes(StandardCharsets.UTF_8)).await();
    assertEquals("{\"v\":2}", new String(storage.getBytes("tenants/a/timelines/b/index.json").await(),
        StandardCharsets.UTF_8), "a put replaces the object");
    Path target = root.resolve("downloaded");
    Files.writeString(target, "old content, longer than the object");
    storage.get("tenants/a/timelines/b/images/0000000001000000.tar", target).await();
    assertArrayEquals(content, Files.readAllBytes(target));
    assertEquals(List.of("tenants/a/timelines/b/images/0000000001000000.tar", "tenants/a/timelines/b/index.json"),
        storage.list("tenants/").await().stream().sorted().toList());
    assertEquals(List.of(), storage.list("tenants/z").await());
    assertInstanceOf(RemoteObjectNotFound.class, assertThrows(Exception.class,
        () -> storage.getBytes("tenants/a/timelines/b/missing").await()));
    assertInstanceOf(RemoteObjectNotFound.class, assertThrows(Exception.class,
        () -> storage.get("tenants/a/timelines/b/missing", root.resolve("x")).await()));
    storage.delete("tenants/a/timelines/b/index.json").await();
    storage.delete("tenants/a/timelines/b/index.json").await(); // gone already: still fine
    assertEquals(List.of("tenants/a/timelines/b/images/0000000001000000.tar"), storage.list("tenants/").await());
  }
}
