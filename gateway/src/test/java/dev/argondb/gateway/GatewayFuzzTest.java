package dev.argondb.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.argondb.pgruntime.testing.TestPostgres;
import dev.argondb.gateway.protocol.StartupMessage;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Thousands of random and malformed startup, SSL, cancel and authentication packets against a TLS gateway,
 * while a real client keeps querying through it: the client never fails, every junk connection ends, and
 * the heap does not grow with the junk.
 */
class GatewayFuzzTest {
  private static final int CONNECTIONS = 4000;
  private static final int THREADS = 8;

  private static Vertx vertx;
  private static TestPostgres postgres;
  private static PrometheusMeterRegistry registry;
  private static GatewayHandle gateway;

  /** The test's certificate and key; deleted at the end. */
  private static Path dir;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    postgres = TestPostgres.start();
    dir = Files.createTempDirectory("argon-gateway-fuzz-");
    Path cert = dir.resolve("gateway.crt");
    Path key = dir.resolve("gateway.key");
    TlsCertificates.generateSelfSigned(cert, key, TlsCertificates.localNames("argon.local"), List.of("127.0.0.1"));
    FakeControlPlane.start(vertx, postgres.port(), Set.of("main"), FakeControlPlane.verifiersOf(postgres));
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    gateway = GatewayService.deploy(vertx, GatewayConfig.defaults().withPorts(0, 0).withDefaultEndpoint("main")
            .withTimeouts(1_000, 10_000).withTls(cert.toString(), key.toString(), false), registry)
        .await(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (dir != null) {
      dev.argondb.pgruntime.PgFiles.deleteRecursively(dir);
    }
    if (vertx != null) {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void junkNeverDisturbsARealClientAndMemoryStaysBounded() throws Exception {
    AtomicBoolean fuzzing = new AtomicBoolean(true);
    ExecutorService pool = Executors.newFixedThreadPool(THREADS + 1);
    try (Connection real = firstConnection()) {
      Future<Integer> queries = pool.submit(() -> {
        int count = 0;
        while (fuzzing.get() || count < 20) {
          try (Statement statement = real.createStatement();
               ResultSet rows = statement.executeQuery("SELECT " + count + ", repeat('x', 1000)")) {
            rows.next();
            assertEquals(count, rows.getInt(1));
          }
          count++;
        }
        return count;
      });
      long heapBefore = usedHeapAfterGc();
      List<Future<?>> fuzzers = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        long seed = 1000 + t;
        fuzzers.add(pool.submit(() -> {
          Random random = new Random(seed);
          for (int i = 0; i < CONNECTIONS / THREADS; i++) {
            sendJunk(random);
          }
          return null;
        }));
      }
      for (Future<?> fuzzer : fuzzers) {
        fuzzer.get(5, TimeUnit.MINUTES);
      }
      fuzzing.set(false);
      assertTrue(queries.get(60, TimeUnit.SECONDS) >= 20);
      Gauge open = registry.find("argon.gateway.client.connections").gauge();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (open.value() > 1) { // the real client's connection stays
        assertTrue(System.nanoTime() < deadline, "junk connections still open: " + open.value());
        Thread.sleep(50);
      }
      long grown = usedHeapAfterGc() - heapBefore;
      assertTrue(grown < 64L * 1024 * 1024, "heap grew by " + grown / 1024 / 1024 + " MB");
    } finally {
      fuzzing.set(false);
      pool.shutdownNow();
    }
  }

  /**
   * The real client, before any junk. The gateway's first authentication in a fresh JVM (class loading, JIT)
   * can exceed this test's 1 s startup timeout on a loaded machine, so a timed-out first attempt is retried.
   */
  private static Connection firstConnection() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + gateway.port()
            + "/postgres?options=endpoint%3Dmain", TestPostgres.USER, TestPostgres.PASSWORD);
      } catch (java.sql.SQLException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
      }
    }
  }

  /** One connection with one kind of junk; closes without waiting for an answer most of the time. */
  private static void sendJunk(Random random) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
      socket.setSoTimeout(3_000);
      socket.getOutputStream().write(junk(random));
      socket.getOutputStream().flush();
      if (random.nextInt(4) == 0) {
        socket.getInputStream().readNBytes(64 * 1024); // until the gateway closes or the timeout
      }
    } catch (IOException expectedOften) {
      // reset by the gateway, read timeout: both fine for junk
    }
  }

  private static byte[] junk(Random random) {
    Buffer buffer = Buffer.buffer();
    switch (random.nextInt(9)) {
      case 0 -> buffer.appendBytes(randomBytes(random, 1 + random.nextInt(200)));
      case 1 -> buffer.appendInt(random.nextInt()).appendInt(random.nextInt()); // random length and code
      case 2 -> buffer.appendInt(8).appendInt(80877103).appendBytes(randomBytes(random, random.nextInt(300)));
      case 3 -> buffer.appendInt(16).appendInt(80877102).appendInt(random.nextInt()).appendInt(random.nextInt());
      case 4 -> buffer.appendInt(8 + random.nextInt(20)).appendInt(80877102).appendBytes(randomBytes(random, 20));
      case 5 -> buffer.appendInt(9_999).appendInt(StartupMessage.PROTOCOL_3_0)
          .appendBytes(randomBytes(random, random.nextInt(9_991)));
      case 6 -> buffer.appendBuffer(new StartupMessage(StartupMessage.PROTOCOL_3_0,
              Map.of("user", TestPostgres.USER, "options", "endpoint=main")).encode())
          .appendByte((byte) 'p').appendInt(random.nextInt()).appendBytes(randomBytes(random, 100));
      case 7 -> buffer.appendBuffer(new StartupMessage(StartupMessage.PROTOCOL_3_0,
              Map.of("user", TestPostgres.USER, "options", "endpoint=main")).encode())
          .appendByte((byte) 'p').appendInt(40).appendString("SCRAM-SHA-256\0").appendInt(21)
          .appendBytes(randomBytes(random, 21));
      default -> buffer.appendBuffer(new StartupMessage(StartupMessage.PROTOCOL_3_0,
          Map.of("user", "u" + random.nextInt(1000), "database", "d")).encode())
          .appendBytes(randomBytes(random, random.nextInt(50)));
    }
    return buffer.getBytes();
  }

  private static byte[] randomBytes(Random random, int count) {
    byte[] bytes = new byte[count];
    random.nextBytes(bytes);
    return bytes;
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    Runtime runtime = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return runtime.totalMemory() - runtime.freeMemory();
  }
}
